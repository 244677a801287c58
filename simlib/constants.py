"""Internal model constants, each with unit, default, range, meaning and source.

These are not learner-facing Scenario fields; they are the fixed numbers of the
equations in :mod:`simlib.stages`. Values are for human/mammalian muscle at the
reference temperature of 37 °C unless the source says otherwise; temperature
scaling with Q10 is applied in :mod:`simlib.chain`.

The ``low``/``high`` bounds are the range over which the value is physiologically
defensible (or over which the model was checked); they are used by the unit tests
and documented in ``docs/model.md``.
"""

from __future__ import annotations

from simlib.parameters import Param

__all__ = ["CONSTANTS", "constant"]

_CHOSEN = "chosen so that "

CONSTANTS: tuple[Param, ...] = (
    # ------------------------------------------------------------ temperature
    Param("t_ref_c", 37.0, "°C", "reference temperature of all rate constants below", "design choice", 37.0, 37.0),
    Param("q10_gating", 3.0, "", "Q10 of voltage-gated channel kinetics, axon excitability and AChR closing",
          "Hodgkin & Huxley 1952, J Physiol 117:500", 2.5, 3.5),
    Param("q10_calcium", 2.5, "",
          "Q10 of SERCA uptake, SR leak and troponin kinetics (RyR flux follows the voltage sensor)",
          "generic enzymatic value consistent with relaxation-rate Q10s (Bennett 1984, Am J Physiol 247:R217)",
          2.0, 3.0),
    Param("q10_crossbridge", 2.25, "", "Q10 of cross-bridge attachment/detachment and force transmission",
          "Bennett 1984, Am J Physiol 247:R217 (twitch/tetanus rate processes)", 2.0, 2.5),
    Param("q10_enzyme", 2.0, "", "Q10 of ACh hydrolysis and vesicle replenishment",
          "typical enzymatic Q10; assumption", 1.5, 3.0),
    # ------------------------------------------------------------ surface charge
    Param("screen_slope_mV", 7.0, "mV", "gating shift per e-fold change of effective divalent concentration",
          "Frankenhaeuser & Hodgkin 1957, J Physiol 137:218 (10-15 mV per 5-fold [Ca]o, i.e. 6-9 mV per e-fold)",
          6.0, 9.0),
    Param("screen_mg_weight", 0.4, "", "screening potency of Mg²⁺ relative to Ca²⁺",
          "Mg²⁺ is a weaker screener than Ca²⁺ (physiology.md §1.3: 0.3-0.5)", 0.3, 0.5),
    Param("ca_ref_mM", 1.2, "mM", "ionised Ca²⁺ at which the gating parameters below apply",
          "healthy plasma value (Harrison's)", 1.1, 1.3),
    Param("mg_ref_mM", 0.55, "mM", "ionised Mg²⁺ at which the gating parameters below apply",
          "healthy plasma value (physiology.md §2.2)", 0.5, 0.7),
    # ------------------------------------------------------------ motor axon (ectopic site)
    Param("ax_el_mV", -80.0, "mV", "resting (leak reversal) potential of the motor-axon node",
          "typical mammalian motor-axon resting potential (Bostock & Rothwell 1997 review range -80 to -85 mV)",
          -85.0, -75.0),
    Param("ax_delta_t_mV", 3.0, "mV", "sharpness of Na⁺-channel activation in the exponential integrate-and-fire node",
          "Fourcaud-Trocmé et al. 2003, J Neurosci 23:11628 (ΔT ≈ 1-3.5 mV for cortical and axonal Na⁺ channels)",
          1.0, 3.5),
    Param("ax_vt_mV", -75.2, "mV", "rheobase potential of the axon node at reference Ca²⁺/Mg²⁺",
          _CHOSEN + "spontaneous (ectopic) firing starts when ionised Ca²⁺ falls below ≈0.88 mM at normal Mg²⁺ "
          "(clinical tetany range 0.8-1.0 mM, Cooper & Gittoes 2008, BMJ 336:1298); the node stands for an "
          "axon region that is already close to threshold (persistent Na⁺ current), physiology.md §1.3",
          -77.0, -74.0),
    Param("ax_tau_ms", 1.0, "ms", "membrane time constant of the axon node",
          "order of magnitude of myelinated-axon node/internode time constants (Bostock 1995)", 0.2, 3.0),
    Param("ax_spike_dv_mV", 15.0, "mV", "depolarisation above the rheobase potential counted as an action potential",
          "numerical convention for the exponential integrate-and-fire model (spike at VT + 5 ΔT)", 10.0, 30.0),
    Param("ax_reset_mV", -82.0, "mV", "axon potential right after an action potential (afterhyperpolarisation)",
          "depolarising/hyperpolarising afterpotentials of human motor axons are a few mV (Bostock & Rothwell 1997)",
          -90.0, -78.0),
    Param("ax_adapt_jump_mV", 4.0, "mV", "slow K⁺ (Kv7) current added by each axon action potential",
          _CHOSEN + "ectopic firing in moderate hypocalcaemia is about 5-15 Hz, the rate of tetanic "
          "motor-unit discharges (Kugelberg 1948)", 1.0, 10.0),
    Param("ax_adapt_tau_ms", 80.0, "ms", "decay time constant of the slow axonal K⁺ current",
          "slow K⁺ (Kv7) channels of human motor axons, τ ≈ 40-100 ms (Bostock & Rothwell 1997)", 30.0, 150.0),
    # ------------------------------------------------------------ spinal motoneuron
    Param("mn_tau_ms", 6.0, "ms", "membrane time constant of the spinal motoneuron",
          "cat motoneurons 5-10 ms, longest in slow (S) units (Zengel et al. 1985, J Neurophysiol 53:1323)",
          4.0, 12.0),
    Param("mn_dendrite_tau_ms", 10.0, "ms", "time constant of the motoneuron dendrite",
          "Booth, Rinzel & Kiehn 1997 (passive dendritic compartment, C/g_leak ≈ 2-10 ms)", 3.0, 20.0),
    Param("mn_coupling", 1.0, "", "fraction of dendritic depolarisation transmitted to the soma",
          "two-compartment motoneuron models (Booth, Rinzel & Kiehn 1997); 1 = no attenuation", 0.3, 1.0),
    Param("mn_el_mV", -70.0, "mV", "motoneuron resting (leak) potential", "Zengel et al. 1985", -75.0, -65.0),
    Param("mn_threshold_mV", -55.0, "mV", "motoneuron spike threshold", "≈10-20 mV above rest (Zengel et al. "
          "1985)", -60.0, -50.0),
    Param("mn_reset_mV", -65.0, "mV", "motoneuron potential right after a spike", "integrate-and-fire convention",
          -70.0, -60.0),
    Param("mn_ahp_jump", 1.0, "", "AHP conductance added by each spike (relative to leak)",
          _CHOSEN + "steady firing saturates at 44 Hz for the strongest command, a fast unit: at maximal effort "
          "human motor units fire 31 ± 10 Hz in biceps, 30 ± 9 Hz in adductor pollicis and 11 ± 3 Hz in soleus "
          "(mean ± SD, Bellemare et al. 1983)", 0.1, 2.0),
    Param("mn_ahp_tau_ms", 50.0, "ms", "decay time constant of the afterhyperpolarisation conductance",
          "AHP half-decay 30-70 ms in slow and fast cat motoneurons (Zengel et al. 1985)", 20.0, 120.0),
    Param("mn_ek_mV", -85.0, "mV", "reversal potential of the AHP (K⁺) current", "typical E_K of motoneurons",
          -95.0, -75.0),
    Param("pic_g", 0.3, "", "PIC conductance at full activation and pic_gain 1 (relative to leak)",
          _CHOSEN + "with normal monoaminergic tone recruitment needs more input than derecruitment "
          "(hysteresis, ΔF ≈ 3-5 pps in humans, Gorassini et al. 2002) but a rested muscle does not keep "
          "firing after a voluntary contraction; PIC amplifies input several-fold (Heckman et al. 2008)",
          0.1, 2.0),
    Param("pic_e_mV", 30.0, "mV", "reversal potential of the PIC (mixed Ca²⁺/Na⁺)", "Booth, Rinzel & Kiehn 1997 "
          "(E_Ca 80, E_Na 55 mV; mixed current lower)", 0.0, 60.0),
    Param("pic_half_mV", -48.0, "mV", "half-activation of the PIC (dendritic potential)",
          "L-type Ca²⁺ half-activation -40 mV in the BRK dendrite (Booth, Rinzel & Kiehn 1997); PICs activate "
          "near recruitment threshold (Heckman et al. 2005)", -60.0, -40.0),
    Param("pic_slope_mV", 3.0, "mV", "slope factor of PIC activation", "steep L-type activation "
          "(Booth, Rinzel & Kiehn 1997: 7 mV); chosen steeper so the plateau switches cleanly", 1.0, 7.0),
    Param("pic_tau_ms", 40.0, "ms", "PIC activation/deactivation time constant",
          "L-type Ca²⁺ activation τ ≈ 40 ms plus dendritic filtering (Booth, Rinzel & Kiehn 1997)", 20.0, 200.0),
    # ------------------------------------------------------------ reflex loop
    Param("ia_force_mV", 12.0, "mV", "spindle (Ia) drive per force unit during contraction (α-γ co-activation)",
          _CHOSEN + "Ia support alone cannot keep a rested motoneuron firing (Vallbo 1970; Schwellnus 2009)",
          0.0, 30.0),
    Param("ia_fatigue_boost", 1.0, "", "relative increase of Ia drive in a fully fatigued muscle",
          "fatigue increases spindle responses (Nelson & Hutton 1985, Med Sci Sports Exerc 17:445)", 0.0, 3.0),
    Param("ia_length_mV_per_deg", 0.15, "mV/°", "Ia drive per degree of imposed stretch (length sensitivity)",
          _CHOSEN + "a held stretch alone recruits no units at normal reflex gain", 0.0, 1.0),
    Param("ia_velocity_mV_per_deg_s", 0.2, "mV per °/s", "Ia drive per °/s of stretch velocity (dynamic sensitivity)",
          _CHOSEN + "a 60 °/s stretch evokes reflex firing only when reflex gain is raised (spasticity is "
          "velocity dependent: Lance 1980)", 0.0, 1.0),
    Param("ia_tau_ms", 15.0, "ms", "lag of the Ia pathway (conduction and synaptic delay as a first-order lag)",
          "short-latency stretch reflex ≈ 30 ms loop in the calf (Pierrot-Deseilligny & Burke 2012)", 5.0, 40.0),
    Param("ib_force_mV", 12.5, "mV", "tendon-organ (Ib) inhibition per force unit of tension",
          _CHOSEN + "autogenic Ib inhibition outweighs Ia support in rested muscle (Khan & Burne 2007)",
          0.0, 40.0),
    Param("ib_fatigue_loss", 0.5, "", "fraction of Ib inhibition lost in a fully fatigued muscle",
          "reduced tendon-organ stretch sensitivity after fatigue (Hutton & Nelson 1986, Med Sci Sports Exerc "
          "18:69)", 0.0, 1.0),
    Param("ib_tau_ms", 15.0, "ms", "lag of the Ib pathway", "disynaptic Ib inhibition, slightly longer "
          "latency than Ia (Pierrot-Deseilligny & Burke 2012)", 5.0, 40.0),
    Param("stretch_amplitude_deg", 30.0, "°", "joint rotation of the imposed passive stretch",
          "typical ankle dorsiflexion in cramp relief and spasticity testing", 10.0, 45.0),
    Param("passive_tension", 2.0, "force units", "passive tension of the muscle-tendon unit at the end of the "
          "stretch", _CHOSEN + "a firm stretch loads tendon organs about as much as a strong contraction "
          "(Khan & Burne 2007: tendon afferents stop a cramp)", 0.0, 3.0),
    Param("stim_epsp_mV", 30.0, "mV", "dendritic EPSP from the afferent volley of one electrical nerve stimulus "
          "(all afferents fire together)", _CHOSEN + "stimulation trains leave a cramp only in a fatigued or "
          "high-PIC muscle: thresholds 30 Hz (fatigue 1) and 14 Hz (fatigue 1, pic_gain 1.5) against 14.9 ± 1.3 Hz "
          "in cramp-prone people (Miller & Knight 2009, Muscle Nerve 39:364)", 0.0, 60.0),
    Param("collision_window_ms", 20.0, "ms", "after a nerve stimulus, motoneuron spikes are annihilated by the "
          "antidromic volley for this long (twice the axon conduction time)", "≈10 ms motor conduction time "
          "from spinal cord to calf muscles at 50-60 m/s (collision technique, e.g. H-reflex blocked at "
          "supramaximal stimulation)", 5.0, 40.0),
    Param("stim_epsp_tau_ms", 10.0, "ms", "decay of the stimulus-evoked EPSP", "monosynaptic Ia EPSP decay in "
          "motoneurons (Zengel et al. 1985 membrane τ)", 3.0, 20.0),
    # ------------------------------------------------------------ neuromuscular junction
    Param("quantal_content_ref", 30.0, "quanta", "mean ACh quanta released per impulse at reference Ca²⁺/Mg²⁺",
          "human NMJ quantal content 20-60 (Wood & Slater 2001, Prog Neurobiol 64:393)", 20.0, 60.0),
    Param("release_kca_mM", 1.0, "mM", "apparent Ca²⁺ dissociation constant of the release site X",
          "Dodge & Rahamimoff 1967, J Physiol 193:419 (order of 1 mM)", 0.5, 2.0),
    Param("release_kmg_mM", 3.0, "mM", "apparent Mg²⁺ (competitive inhibitor) dissociation constant of site X",
          "Dodge & Rahamimoff 1967, J Physiol 193:419 (commonly quoted ≈3 mM)", 1.0, 5.0),
    Param("release_coop", 4.0, "", "number of Ca²⁺ ions that must bind to trigger release (cooperativity)",
          "Dodge & Rahamimoff 1967 (log-log slope 3.78 ± 0.2 at low Ca²⁺)", 3.5, 4.0),
    Param("pool_quanta", 300.0, "quanta", "readily releasable pool of vesicles",
          _CHOSEN + "the quantal content runs down to about 65 % of the first impulse's during a 20 Hz train "
          "(41 % at 50 Hz), as the release at human NMJs runs down to 60-70 % (Wood & Slater 2001); the EPP "
          "itself, close to its reversal potential, falls far less (96 % at 20 Hz)", 100.0, 1000.0),
    Param("pool_recovery_ms", 300.0, "ms", "time constant of vesicle-pool replenishment",
          _CHOSEN + "run-down reaches a plateau within ~10 impulses (Wood & Slater 2001)", 100.0, 2000.0),
    Param("ach_per_quantum", 0.05, "", "cleft ACh added per quantum, in units of the receptor half-activation level",
          _CHOSEN + "30 quanta open ≈90 % of the receptors under the released ACh (saturating transmitter, "
          "Kuffler & Yoshikami 1975, J Physiol 251:465: ~8000 molecules per quantum)", 0.01, 0.2),
    Param("ache_rate_per_ms", 4.0, "1/ms", "ACh removal rate by acetylcholinesterase at full activity",
          "AChE clears ACh within a fraction of a millisecond (Quinn 1987, Chem Rev 87:955)", 2.0, 20.0),
    Param("ach_escape_per_ms", 0.12, "1/ms", "ACh removal by diffusion out of the cleft, slowed by rebinding",
          _CHOSEN + "with AChE fully inhibited the endplate current decays several-fold more slowly "
          "(Katz & Miledi 1973, J Physiol 231:549: 2-5 fold)", 0.05, 0.5),
    Param("achr_close_per_ms", 2.5, "1/ms", "AChR channel closing rate",
          "EPC decay τ ≈ 1.5 ms in frog at room temperature (Magleby & Stevens 1972, J Physiol 223:173) "
          "scaled to 37 °C with Q10 ≈ 2.5-3 gives 0.2-0.5 ms", 1.0, 5.0),
    Param("achr_open_per_ms", 20.0, "1/ms", "AChR opening rate at unit (half-activation) ACh level; two ACh bind",
          _CHOSEN + "receptors open within ~0.2 ms of release (EPC rise time, Magleby & Stevens 1972)", 5.0, 50.0),
    Param("g_endplate_mS_cm2", 40.0, "mS/cm²", "endplate (nicotinic) conductance with all receptors open",
          _CHOSEN + "transmission fails when ≈80 % of receptors are blocked, the threshold occupancy "
          "76 ± 5 % of Paton & Waud 1967, J Physiol 191:59 (safety factor ≈4)", 5.0, 60.0),
    Param("e_ach_mV", -5.0, "mV", "reversal potential of the endplate current",
          "nicotinic AChR reversal near -5 to 0 mV (Magleby & Stevens 1972)", -10.0, 0.0),
    # ------------------------------------------------------------ muscle membrane
    Param("k_in_mM", 155.0, "mM", "intracellular K⁺ of the muscle fibre",
          "Hille 2001, Ion Channels of Excitable Membranes, ch. 1", 140.0, 160.0),
    Param("na_in_mM", 12.0, "mM", "intracellular Na⁺ of the muscle fibre", "Hille 2001, ch. 1", 10.0, 15.0),
    Param("pna_pk", 0.01, "", "resting Na⁺/K⁺ permeability ratio of the fibre (GHK)",
          "Hodgkin & Horowicz 1959, J Physiol 148:127; physiology.md §1.3", 0.005, 0.05),
    Param("g_k_rest_mS_cm2", 0.15, "mS/cm²", "resting K⁺ (inward-rectifier) conductance of the fibre at 4 mM K⁺",
          "mammalian fibres: K⁺ carries ~20-30 % of a ~0.5 mS/cm² resting conductance (Bretag 1987, "
          "Physiol Rev 67:618)", 0.05, 0.3),
    Param("g_cl_mS_cm2", 0.45, "mS/cm²", "Cl⁻ conductance (passively distributed, reverses at the resting potential)",
          "Cl⁻ carries ≈70-80 % of the resting conductance (Bretag 1987)", 0.2, 1.0),
    Param("g_na_mS_cm2", 120.0, "mS/cm²", "maximal Na⁺ (Nav1.4) conductance", "Hodgkin & Huxley 1952 order; "
          "mammalian fibre models use 100-800 (Cannon et al. 1993, Biophys J 65:270; Shorten 2007)", 80.0, 800.0),
    Param("g_kdr_mS_cm2", 30.0, "mS/cm²", "maximal delayed-rectifier K⁺ conductance",
          "mammalian fibre models 20-65 (Cannon et al. 1993; Shorten 2007)", 10.0, 70.0),
    Param("na_m_half_mV", -38.0, "mV", "Na⁺ activation (m) half-voltage at reference divalents",
          "Nav1.4 activation midpoint ≈ -30 mV for m³ (Cannon et al. 1993)", -45.0, -30.0),
    Param("na_m_slope_mV", 7.0, "mV", "Na⁺ activation slope factor", "Cannon et al. 1993", 5.0, 9.0),
    Param("na_m_tau_ms", 0.04, "ms", "Na⁺ activation time constant", "sub-0.1 ms at 37 °C (Hodgkin & Huxley "
          "1952 scaled by Q10 3)", 0.01, 0.1),
    Param("na_h_half_mV", -65.0, "mV", "Na⁺ fast-inactivation (h) half-voltage",
          "Nav1.4 steady-state inactivation midpoint ≈ -70 to -75 mV (Cannon et al. 1993)", -80.0, -65.0),
    Param("na_h_slope_mV", 6.0, "mV", "Na⁺ inactivation slope factor", "Cannon et al. 1993", 4.0, 8.0),
    Param("na_h_tau_ms", 1.0, "ms", "peak Na⁺ inactivation/recovery time constant (at -70 mV)",
          "recovery from fast inactivation in a few ms at 37 °C (Cannon et al. 1993)", 0.3, 3.0),
    Param("k_n_half_mV", -40.0, "mV", "K⁺ activation (n) half-voltage", "Cannon et al. 1993", -50.0, -30.0),
    Param("k_n_slope_mV", 10.0, "mV", "K⁺ activation slope factor", "Cannon et al. 1993", 7.0, 15.0),
    Param("k_n_tau_ms", 1.5, "ms", "K⁺ activation time constant", "Cannon et al. 1993 (≈1-3 ms at 37 °C)", 0.5, 4.0),
    Param("na_slow_half_mV", -78.0, "mV", "half-voltage of Na⁺ slow inactivation (set by the resting potential)",
          _CHOSEN + "fibres stop following 20 Hz when [K⁺]o reaches ≈10 mM (depolarisation to ≈ -70 mV), "
          "as in hyperkalaemic weakness; slow inactivation of Nav1.4 is substantial at -70 to -60 mV "
          "(Ruff 1999, Am J Physiol 277:C937)",
          -80.0, -60.0),
    Param("na_slow_slope_mV", 3.0, "mV", "slope factor of Na⁺ slow inactivation",
          _CHOSEN + "fibres still follow 20 Hz at 8 mM K⁺ but not at 10 mM (steeper than the 5-10 mV "
          "usually fitted, Ruff 1999)", 3.0, 10.0),
    Param("g_endplate_to_fibre_mS_cm2", 2.0, "mS/cm²", "coupling through which the depolarised endplate "
          "region drives the excitable fibre next to it (per area of fibre)",
          _CHOSEN + "the endplate potential fires the fibre with a safety factor near 4 (threshold block at "
          "≈76 % receptor occupancy, Paton & Waud 1967)", 0.1, 10.0),
    Param("g_fibre_to_endplate_mS_cm2", 4.0, "mS/cm²", "coupling through which the fibre clamps the small "
          "endplate region (per area of endplate)", _CHOSEN + "the fibre action potential invades the endplate "
          "region, which is much smaller than the fibre it drives", 1.0, 40.0),
    Param("spike_detect_mV", -20.0, "mV", "muscle potential whose upward crossing counts as an action potential",
          "convention: overshooting APs peak near +30 mV", -30.0, 0.0),
    # ------------------------------------------------------------ EC coupling / Ca2+
    Param("sensor_half_mV", -25.0, "mV", "half-activation voltage of the T-tubule voltage sensor (DHPR)",
          "charge-movement midpoint ≈ -20 to -30 mV (Ríos & Stern 1997, Annu Rev Biophys 26:47)", -35.0, -15.0),
    Param("sensor_slope_mV", 6.0, "mV", "slope factor of the voltage sensor", "Ríos & Stern 1997", 4.0, 10.0),
    Param("sensor_tau_ms", 0.3, "ms", "voltage-sensor activation time constant", "Ríos & Stern 1997 (sub-ms)",
          0.2, 2.0),
    Param("ryr_rate_per_ms", 0.6, "1/ms", "maximal RyR1 release rate constant (fraction of SR Ca²⁺ per ms)",
          _CHOSEN + "one action potential raises free Ca²⁺ by ≈10-20 µM (Baylor & Hollingworth 2003, "
          "J Physiol 551:125)", 0.1, 2.0),
    Param("sr_ca_uM", 2500.0, "µM", "resting SR Ca²⁺ content, expressed per litre of myoplasm",
          "SR content ≈1-3 mM myoplasmic equivalent; Kim 2020 / Williams 1998 initial SR Ca 2.5 mM", 1000.0, 4000.0),
    Param("ca_rest_uM", 0.05, "µM", "resting myoplasmic free Ca²⁺",
          "Westerblad & Allen 1991, J Gen Physiol 98:615 (0.03-0.1 µM)", 0.03, 0.1),
    Param("fast_buffer_ratio", 4.0, "", "bound/free ratio of fast myoplasmic Ca²⁺ buffers (mainly ATP)",
          "Baylor & Hollingworth 1998, J Gen Physiol 112:297 (≈64 µM Ca-ATP at 18 µM free)", 2.0, 8.0),
    Param("trop_total_uM", 140.0, "µM", "troponin regulatory Ca²⁺ sites", "Shorten et al. 2007", 70.0, 240.0),
    Param("trop_kon_per_uM_ms", 0.177, "1/(µM·ms)", "Ca²⁺ binding rate to troponin",
          "Shorten et al. 2007: 0.0443 at 20 °C, scaled to 37 °C with Q10 2.25", 0.04, 0.5),
    Param("trop_koff_per_ms", 0.46, "1/ms", "Ca²⁺ dissociation rate from troponin (Kd ≈ 2.6 µM)",
          "Shorten et al. 2007: 0.115 at 20 °C, scaled to 37 °C with Q10 2.25", 0.1, 1.5),
    Param("trop_xb_coop", 5.0, "", "slowing of Ca²⁺ dissociation from troponin by attached cross-bridges: "
          "k_off / (1 + c·X)", "Williams et al. 1998 / Kim 2020 (ModelDB 266732): k6 / (1 + 5 A)", 0.0, 10.0),
    Param("serca_vmax_uM_ms", 8.0, "µM/ms", "maximal SERCA Ca²⁺ uptake rate at saturating ATP",
          _CHOSEN + "the free Ca²⁺ transient returns to rest within ~50-100 ms and human twitch "
          "half-relaxation is ~100 ms (Sale et al. 1982, J Appl Physiol 52:1636)", 0.5, 10.0),
    Param("serca_k_uM", 0.5, "µM", "SERCA Ca²⁺ half-activation (Hill coefficient 2)",
          "K0.5 0.3-1 µM (Lytton et al. 1992, J Biol Chem 267:14483)", 0.3, 1.0),
    Param("serca_katp_mM", 0.05, "mM", "SERCA ATP half-saturation",
          "high-affinity catalytic site, tens of µM (Lytton et al. 1992)", 0.01, 0.2),
    # ------------------------------------------------------------ cross-bridges / force
    Param("xb_coop", 2.5, "", "cooperativity of thin-filament activation (exponent on troponin occupancy)",
          _CHOSEN + "the force-pCa relation is steep (Hill ≈ 2-4 in intact fibres)", 1.0, 4.0),
    Param("xb_attach_per_ms", 0.18, "1/ms", "cross-bridge attachment rate at full thin-filament activation",
          _CHOSEN + "a duty ratio ≈0.9; with the series element it sets the twitch contraction time "
          "(76 ms in the model, as in human motor units: Macefield et al. 1996, J Neurophysiol 75:2509)",
          0.05, 1.0),
    Param("xb_detach_per_ms", 0.02, "1/ms", "ATP-dependent cross-bridge detachment rate at saturating ATP",
          _CHOSEN + "human twitch half-relaxation ≈100 ms (Sale et al. 1982); Huxley 1957 g1 = 10 s⁻¹ "
          "at 0 °C", 0.005, 0.1),
    Param("xb_katp_mM", 0.15, "mM", "ATP half-saturation of cross-bridge detachment",
          "Cooke & Bialek 1979, Biophys J 28:241 (Km 0.1-0.2 mM); Lymn & Taylor 1971", 0.05, 0.3),
    Param("series_rate_per_ms", 0.012, "1/ms", "rate at which cross-bridge force stretches the series "
          "elastic element (tendon/aponeurosis)", _CHOSEN + "the twitch is human-like: contraction time 76 ms "
          "(human toe-extensor motor units 74.8 ± 3.9 ms, Macefield et al. 1996; the whole triceps surae, "
          "a mixture of units, 112 ms, Sale et al. 1982) and half-relaxation 113 ms (triceps surae 100 ± 14 ms); "
          "series elasticity dominates human twitch timing (van der Zee et al. 2024, J Exp Biol "
          "227:jeb247436)", 0.005, 0.05),
)

_BY_NAME = {c.name: c for c in CONSTANTS}


def constant(name: str) -> float:
    """Return the value of a model constant.

    Parameters
    ----------
    name : str
        Constant name, e.g. ``"g_na_mS_cm2"``.

    Returns
    -------
    float
        Value in the unit documented in :data:`CONSTANTS`.
    """
    value = _BY_NAME[name].default
    assert isinstance(value, float)
    return value
