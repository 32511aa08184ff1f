package io.proflens.analysis.phases;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Name rules of {@link PhaseAnalysis}: how range names become phase keys and roles.
 *
 * <ul>
 *   <li>PyTorch {@code emit_nvtx} call ids ({@code , seq = N}, {@code , op_id = N}) are removed, the same pattern as
 *       {@link io.proflens.analysis.stats.NamingPolicy#stripOpIds()} (nsys-reference.md §7.8);</li>
 *   <li>one trailing iteration counter, {@code #digits}, {@code _digits} or {@code " digits"}, becomes {@code #N},
 *       {@code _N} or {@code " N"}: {@code ProfilerStep#12 → ProfilerStep#N}, {@code step_3 → step_N},
 *       {@code iteration 7 → iteration N}. Digits glued to letters ({@code fp16}, {@code conv2d}) and digits inside
 *       the name ({@code layer.3.attn}) are kept;</li>
 *   <li>roles (case-insensitive, on the normalised name without domain): {@link PhaseRole#BACKWARD} when it contains
 *       {@code backward} or the word {@code bwd}; {@link PhaseRole#FORWARD} for {@code forward} or the word
 *       {@code fwd}; a name matching both is {@link PhaseRole#OTHER}; otherwise {@link PhaseRole#OPTIMIZER} for
 *       {@code optimizer}, {@code optimiser}, {@code zero_grad} or the word {@code optim}. A "word" is delimited by
 *       anything but a letter, so {@code attn_fwd_kernel} and {@code bwd} match, {@code fwdx} does not. {@code step}
 *       alone is not a role: {@code ProfilerStep} and {@code train_step} are whole iterations.</li>
 * </ul>
 */
public final class PhaseNames {
    private static final Pattern OP_IDS = Pattern.compile(",\\s*(?:seq|op_id)\\s*=\\s*\\d+");
    private static final Pattern COUNTER = Pattern.compile("([#_ ])\\d+$");
    private static final Pattern FORWARD = Pattern.compile("forward|(?<![a-z])fwd(?![a-z])");
    private static final Pattern BACKWARD = Pattern.compile("backward|(?<![a-z])bwd(?![a-z])");
    private static final Pattern OPTIMIZER = Pattern.compile("optimi[sz]er|zero_grad|(?<![a-z])optim(?![a-z])");

    private PhaseNames() {
    }

    /** Autograd nodes and autograd.Function classes recorded by emit_nvtx: MulBackward0, RegisterPostBackwardFunction. */
    private static final Pattern AUTOGRAD_NODE = Pattern.compile("_?[A-Z][A-Za-z0-9]*(Backward\\d*|Function|Func)");
    /** c10d collectives recorded by record_function: nccl:all_to_all, gloo:broadcast. */
    private static final Pattern COLLECTIVE = Pattern.compile("(?i)(nccl|rccl|gloo|mpi|ucc|xccl|c10d):.*");

    /**
     * Whether a range is an operator rather than a phase of the program: its name contains {@code ::}
     * ({@code aten::linear}, {@code flash_attn::_flash_attn_forward}); it is a collective annotation
     * ({@code nccl:all_reduce}); it is a single CamelCase name ending in {@code Backward[N]}, {@code Function} or
     * {@code Func} (autograd nodes that {@code emit_nvtx} records); or it is in the {@code TensorRT} domain (one range
     * per layer). {@code ProfilerStep#N}, {@code ## forward ##}, {@code train_step}, {@code forward} are phases.
     *
     * @param key a phase key (not null)
     * @return true when the range is an operator, not a phase
     */
    public static boolean isOperatorLevel(PhaseKey key) {
        String name = key.name();
        if (key.domain() != null && key.domain().toLowerCase(Locale.ROOT).startsWith("tensorrt")) {
            return true;
        }
        return name.contains("::") || COLLECTIVE.matcher(name).matches() || AUTOGRAD_NODE.matcher(name).matches();
    }

    /**
     * @param text       the range text ({@code null} → {@code null})
     * @param stripOpIds whether to remove {@code emit_nvtx} call ids first
     * @return the normalised name (trailing counter replaced by {@code N}), or {@code null}
     */
    public static String normalise(String text, boolean stripOpIds) {
        if (text == null) {
            return null;
        }
        String t = stripOpIds ? OP_IDS.matcher(text).replaceAll("") : text;
        Matcher m = COUNTER.matcher(t);
        return m.find() ? t.substring(0, m.start()) + m.group(1) + "N" : t;
    }

    /** @return the role of a normalised name, see the class comment; {@link PhaseRole#OTHER} for {@code null} */
    public static PhaseRole role(String name) {
        if (name == null) {
            return PhaseRole.OTHER;
        }
        String l = name.toLowerCase(Locale.ROOT);
        boolean f = FORWARD.matcher(l).find();
        boolean b = BACKWARD.matcher(l).find();
        if (f && b) {
            return PhaseRole.OTHER;
        }
        if (f) {
            return PhaseRole.FORWARD;
        }
        if (b) {
            return PhaseRole.BACKWARD;
        }
        return OPTIMIZER.matcher(l).find() ? PhaseRole.OPTIMIZER : PhaseRole.OTHER;
    }
}
