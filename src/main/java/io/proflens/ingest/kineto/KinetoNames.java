package io.proflens.ingest.kineto;

import io.proflens.model.MemcpyKind;
import io.proflens.model.MemoryKind;
import io.proflens.model.SyncTable;
import java.util.Locale;

/** Decoding of the information Kineto puts into event names (copy direction, memory kinds, sync kind, kernel base name). */
final class KinetoNames {
    private KinetoNames() {
    }

    /**
     * Copy direction of a Kineto memcpy name such as {@code Memcpy HtoD (Pinned -> Device)} (Kineto's
     * {@code memcpyKindString}: HtoD, DtoH, HtoA, AtoH, AtoA, AtoD, DtoA, DtoD, HtoH, PtoP), falling back to the
     * AMD {@code kind} arg ({@code "DtoD"}).
     *
     * @return the {@link MemcpyKind} id, {@code -1} when neither says
     */
    static int copyKind(String name, String kindArg) {
        int k = copyKindOf(token(name));
        return k >= 0 ? k : copyKindOf(kindArg);
    }

    private static int copyKindOf(String label) {
        if (label == null) {
            return -1;
        }
        for (int id = MemcpyKind.HTOD.id(); id <= MemcpyKind.PTOP.id(); id++) {
            if (MemcpyKind.ofId(id).shortLabel().equalsIgnoreCase(label)) {
                return id;
            }
        }
        return -1;
    }

    /** @return the word after "Memcpy " in {@code name}, or {@code null}. */
    private static String token(String name) {
        if (name == null) {
            return null;
        }
        int i = name.indexOf(' ');
        if (i < 0) {
            return null;
        }
        int j = i + 1;
        while (j < name.length() && name.charAt(j) != ' ' && name.charAt(j) != '(') {
            j++;
        }
        return name.substring(i + 1, j);
    }

    /**
     * Memory kinds named in parentheses: {@code (Pinned -> Device)} gives {@code [1, 2]}, {@code (Device)} gives
     * {@code [2, 2]}. Names as in Kineto's {@code memoryKindString} (Pageable, Pinned, Device, Array, Managed,
     * Device Static, Managed Static, Unknown); ROCm's {@code Host} says neither pageable nor pinned and maps to
     * {@code -1} (unknown), as does anything unrecognised.
     *
     * @return {source, destination} {@link MemoryKind} ids, -1 when unknown
     */
    static int[] memoryKinds(String name) {
        int[] r = {-1, -1};
        if (name == null) {
            return r;
        }
        int open = name.lastIndexOf('(');
        int close = name.lastIndexOf(')');
        if (open < 0 || close < open) {
            return r;
        }
        String inside = name.substring(open + 1, close);
        int arrow = inside.indexOf("->");
        if (arrow < 0) {
            r[0] = memoryKindOf(inside);
            r[1] = r[0];
        } else {
            r[0] = memoryKindOf(inside.substring(0, arrow));
            r[1] = memoryKindOf(inside.substring(arrow + 2));
        }
        return r;
    }

    /** @return the {@link MemoryKind} id of a label ("Pinned"), -1 when unknown. */
    static int memoryKindOf(String label) {
        if (label == null) {
            return -1;
        }
        String t = label.trim();
        for (MemoryKind k : MemoryKind.values()) {
            if (k != MemoryKind.UNKNOWN && k.label().equalsIgnoreCase(t)) {
                return k.id();
            }
        }
        return -1;
    }

    /**
     * @return the {@link SyncTable} sync type of a {@code cuda_sync} event: 1 event sync, 2 stream wait event,
     *         3 stream sync, 4 context sync, 0 unknown (from the name or the {@code cuda_sync_kind} arg)
     */
    static int syncType(String name, String kindArg) {
        int t = syncTypeOf(kindArg);
        return t != 0 ? t : syncTypeOf(name);
    }

    private static int syncTypeOf(String s) {
        if (s == null) {
            return 0;
        }
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "event sync":
                return 1;
            case "stream wait event":
                return 2;
            case "stream sync":
                return 3;
            case "context sync":
                return 4;
            default:
                return 0;
        }
    }

    /**
     * Approximates nsys's kernel {@code shortName} from a demangled name: drops the parameter list, the template
     * arguments, the namespaces/classes and the return type —
     * {@code void at::native::(anonymous namespace)::cunn_SoftMaxForward<8, float>(float*, ...)} →
     * {@code cunn_SoftMaxForward}; plain names ({@code sm90_xmma_gemm_...}, {@code Cijk_...}) stay as they are.
     *
     * @return the base name, or {@code name} itself when it cannot be parsed (unbalanced brackets)
     */
    static String baseName(String name) {
        if (name == null) {
            return null;
        }
        String s = name.trim();
        if (s.endsWith(")")) {
            int open = matchingOpen(s, s.length() - 1, '(', ')');
            if (open <= 0) {
                return name;
            }
            s = s.substring(0, open).trim();
        }
        if (s.endsWith(">")) {
            int open = matchingOpen(s, s.length() - 1, '<', '>');
            if (open <= 0) {
                return name;
            }
            s = s.substring(0, open).trim();
        }
        int depth = 0;
        int cut = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '<' || ch == '(' || ch == '{' || ch == '[') {
                depth++;
            } else if (ch == '>' || ch == ')' || ch == '}' || ch == ']') {
                depth--;
            } else if (depth == 0 && ch == ':' && i + 1 < s.length() && s.charAt(i + 1) == ':') {
                cut = i + 2;
                i++;
            } else if (depth == 0 && ch == ' ') {
                cut = i + 1;
            }
        }
        String base = s.substring(cut).trim();
        return base.isEmpty() || depth != 0 ? name : base;
    }

    private static int matchingOpen(String s, int closeIndex, char open, char close) {
        int depth = 0;
        for (int i = closeIndex; i >= 0; i--) {
            char ch = s.charAt(i);
            if (ch == close) {
                depth++;
            } else if (ch == open) {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }
}
