package dev.desafios.common;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Text from bytes that must be valid UTF-8: a request's body, a decoded path. */
public final class Utf8 {
    private Utf8() {
    }

    /**
     * The text of {@code length} bytes from the start of {@code bytes}; a 400 problem whose detail
     * is {@code refusal} when they are not valid UTF-8. The JDK's {@code String} decodes without a
     * decoder object (ASCII is a plain copy) and puts U+FFFD where the bytes are malformed; only
     * text that holds U+FFFD, which valid UTF-8 can also spell, is decoded again, strictly, to
     * tell the two apart. Valid input decodes the same either way.
     */
    public static String strict(byte[] bytes, int length, String refusal) {
        String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') < 0) {
            return text;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            throw Problem.badRequest(refusal);
        }
    }
}
