package io.proflens.analysis.phases;

/**
 * Forward vs backward time, from the mean durations of the forward and backward series wherever they are (nested in
 * a step or as separate top-level loops). The forward series is the {@link PhaseRole#FORWARD} series with the largest
 * total; the backward series the {@link PhaseRole#BACKWARD} series with the largest total in the same process (any
 * process if that one has none).
 *
 * @param forwardLabel           label of the forward key
 * @param forwardPid             its process id
 * @param forwardCount           its number of occurrences
 * @param forwardMeanNs          its mean duration, ns
 * @param backwardLabel          label of the backward key
 * @param backwardPid            its process id
 * @param backwardCount          its number of occurrences
 * @param backwardMeanNs         its mean duration, ns
 * @param backwardToForwardRatio {@code backwardMeanNs / forwardMeanNs} (about 2 for dense training: the backward
 *                               pass computes gradients for activations and weights)
 * @param optimizerLabel         label of the largest {@link PhaseRole#OPTIMIZER} series in the forward's process, or
 *                               {@code null}
 * @param optimizerMeanNs        its mean duration, ns, or {@code null}
 */
public record ForwardBackward(String forwardLabel, int forwardPid, int forwardCount, double forwardMeanNs,
                              String backwardLabel, int backwardPid, int backwardCount, double backwardMeanNs,
                              double backwardToForwardRatio, String optimizerLabel, Double optimizerMeanNs) {
}
