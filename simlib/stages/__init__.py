"""Model stages, one module per step of the nerve-to-muscle chain.

Each module holds pure functions of (state, parameters). Rate functions return
the right-hand side in *production-loss* form ``dy/dt = a - b*y`` (``b >= 0``),
which the exponential integrator in :mod:`simlib.solver` advances exactly for
frozen ``a`` and ``b``. Functions used inside the compiled integrator are
decorated with :func:`simlib.stages._jit.jit`.
"""
