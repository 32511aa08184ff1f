/** Rules about kernel mix: pointwise fusion candidates, GEMM share and tile sizes. */
package io.proflens.rules.kernels;
