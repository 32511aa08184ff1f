package io.proflens.analysis.phases;

/**
 * What a phase is, judged from its name by {@link PhaseNames#role(String)}.
 */
public enum PhaseRole {
    /** Forward pass: name contains {@code forward}, or {@code fwd} as a word. */
    FORWARD,
    /** Backward pass: name contains {@code backward}, or {@code bwd} as a word. */
    BACKWARD,
    /** Optimizer: name contains {@code optimizer}/{@code optimiser}, {@code zero_grad}, or {@code optim} as a word. */
    OPTIMIZER,
    /** Anything else, including names that match both forward and backward ({@code fwd_bwd}). */
    OTHER
}
