package io.proflens.report;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * JSON escapes that keep profile text inert inside an HTML {@code <script>} element or a response read as HTML:
 * {@code <}, {@code >}, {@code &}, U+2028 and U+2029 are written as {@code \\uXXXX}, so no kernel name (C++ names
 * contain {@code <} and {@code >}) can close a script element or form markup. Stateless; one instance may serve
 * every generator.
 */
public final class HtmlSafeJsonEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] table;

    public HtmlSafeJsonEscapes() {
        table = CharacterEscapes.standardAsciiEscapesForJSON();
        table['<'] = CharacterEscapes.ESCAPE_STANDARD;
        table['>'] = CharacterEscapes.ESCAPE_STANDARD;
        table['&'] = CharacterEscapes.ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
        return table;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
        if (ch == 0x2028 || ch == 0x2029) {
            return new SerializedString(String.format("\\u%04x", ch));
        }
        return null;
    }
}
