/** Rules about inter-GPU communication: exposed collectives, MoE dispatch/combine. */
package io.proflens.rules.comm;
