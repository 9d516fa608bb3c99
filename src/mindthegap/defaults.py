"""The defaults every layer shares, named once (a leaf: imports nothing).

The small-number threshold is :data:`mindthegap.privacy.DEFAULT_MIN_N`.
"""

#: the random seed: the same seed gives the same bootstrap intervals, permutations, topics and report
DEFAULT_SEED = 20261122
#: bootstrap resamples for confidence intervals
DEFAULT_N_BOOT = 2000
