// Page side of benchmarks/browser_latency.py, added with Playwright's add_init_script (before any
// page script). It only records times (performance.now(), ms) in window.__msl.marks:
//   keydown / click      the learner's action (capture phase, before any widget sees it)
//   ws_out / ws_in       a WebSocket message sent / dispatched to the page (bytes)
//   blob                 URL.createObjectURL of an image Blob: ipywidgets' Image view and ipympl
//                        both make one per new figure image (bytes)
//   img_src              the figure <img>'s src changed (image canvas)
//   decoded              img.decode() resolved (image canvas) or ipympl drew the loaded image
//                        into its offscreen canvas
//   canvas_draw          ipympl copied its offscreen canvas to the visible figure canvas
//   todataurl            a canvas.toDataURL() call and how long it blocked the main thread
//   painted              the frame with the new pixels: after the next requestAnimationFrame
//                        callback, a MessageChannel task (runs once that frame is committed)
// With window.__mslVariant.nodataurl, toDataURL() of canvases outside the page returns a
// 1-pixel stub (measures what ipympl's per-frame data-URL costs).
(() => {
  const marks = [];
  window.__msl = { marks, timeOrigin: performance.timeOrigin };
  const mark = (kind, extra) => marks.push(Object.assign({ kind, t: performance.now() }, extra || {}));
  const variant = () => window.__mslVariant || {};
  const inFigure = (el) => !!(el && el.isConnected && el.closest && el.closest(".msl-figure"));

  document.addEventListener("keydown", (e) => mark("keydown", { key: e.key }), true);
  document.addEventListener("click", (e) => {
    const target = e.target && e.target.closest ? e.target.closest("button") : null;
    mark("click", { text: target ? target.textContent.trim() : "" });
  }, true);

  let paintPending = false;
  const afterPaint = (source) => {
    if (paintPending) return;
    paintPending = true;
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => { paintPending = false; mark("painted", { source }); };
      channel.port2.postMessage(0);
    });
  };

  const NativeWebSocket = window.WebSocket;
  const size = (d) => (typeof d === "string" ? d.length : (d && (d.byteLength || d.size)) || 0);
  class ProbedWebSocket extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (e) => mark("ws_in", { bytes: size(e.data) }));
    }
    send(data) {
      mark("ws_out", { bytes: size(data) });
      return super.send(data);
    }
  }
  window.WebSocket = ProbedWebSocket;

  const createObjectURL = URL.createObjectURL;
  URL.createObjectURL = function (blob) {
    if (blob && typeof blob.type === "string" && blob.type.startsWith("image/")) {
      mark("blob", { bytes: blob.size, type: blob.type });
    }
    return createObjectURL.call(this, blob);
  };

  const drawImage = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (...args) {
    const result = drawImage.apply(this, args);
    if (inFigure(this.canvas)) {
      mark("canvas_draw");
      afterPaint("canvas");
    } else if (!this.canvas.isConnected && args[0] instanceof HTMLImageElement) {
      mark("decoded", { source: "ipympl" });
    }
    return result;
  };

  const toDataURL = HTMLCanvasElement.prototype.toDataURL;
  HTMLCanvasElement.prototype.toDataURL = function (...args) {
    if (variant().nodataurl && !this.isConnected) return "data:,";
    const t0 = performance.now();
    const result = toDataURL.apply(this, args);
    marks.push({ kind: "todataurl", t: t0, ms: performance.now() - t0, bytes: result.length });
    return result;
  };

  const onImage = (img) => {
    mark("img_src");
    img.decode().then(() => { mark("decoded", { source: "img" }); afterPaint("img"); },
                      () => { mark("decode_failed"); afterPaint("img"); });
  };
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "attributes" && r.target.tagName === "IMG" && inFigure(r.target)) onImage(r.target);
    }
  });
  const start = () => observer.observe(document.documentElement, { subtree: true, attributes: true,
                                                                     attributeFilter: ["src"] });
  if (document.documentElement) start(); else document.addEventListener("DOMContentLoaded", start);
})();
