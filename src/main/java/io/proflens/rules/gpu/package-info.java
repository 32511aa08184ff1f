/** Rules about GPU busy/idle time: utilization, idle gaps, idle attribution, host-bound launches. */
package io.proflens.rules.gpu;
