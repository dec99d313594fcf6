"""The Differentiable Neural Computer's memory addressing, as Sonnet modules.

See docs/dnc.md. The pieces: `cosine_weights` (content addressing),
`temporal_linkage` (write order), `freeness` (usage and allocation),
`memory_access` (the read and write heads), `dnc` (controller plus memory),
`repeat_copy` (the task) and `train` (the training program).
"""
