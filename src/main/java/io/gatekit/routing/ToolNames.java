package io.gatekit.routing;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The rule model providers put on function names, {@code ^[a-zA-Z0-9_-]{1,64}$}, applied to the tool names the
 * gateway lists (ADR 0015). A tool whose qualified name {@code upstream__name} breaks it (or collides with another
 * name of the same list) is listed under an alias instead: the qualified name with every other character replaced
 * by {@code _}, cut to fit, then {@code _} and a hash of (upstream, original name) in 8 lowercase base32hex
 * characters. The alias depends on nothing but its inputs, so it is the same in every gateway process and after
 * every restart; only a collision, settled by hashing again with a counter, depends on the rest of the list.
 * Pure functions; no state.
 */
public final class ToolNames {
    /** The longest name providers accept. */
    public static final int MAX_LENGTH = 64;
    private static final int HASH_LENGTH = 8;
    /** The readable part of an alias: what is left after {@code _} and the hash. */
    private static final int READABLE_LENGTH = MAX_LENGTH - 1 - HASH_LENGTH;
    private static final String HASH_ALPHABET = "0123456789abcdefghijklmnopqrstuv";

    /** Why a tool is listed under an alias. */
    public enum Reason {
        EMPTY("its name is empty"),
        ILLEGAL_CHARACTERS("the qualified name has characters outside [a-zA-Z0-9_-]"),
        TOO_LONG("the qualified name is longer than " + MAX_LENGTH + " characters"),
        COLLISION("the qualified name collides with another listed tool");

        private final String description;

        Reason(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** How one upstream tool is listed: its own name, the name clients see, and why they differ (null: they do not). */
    public record Exposed(String original, String name, @Nullable Reason reason) {}

    private ToolNames() {}

    /** Whether providers accept {@code name} as a function name. */
    public static boolean isProviderSafe(String name) {
        if (name.isEmpty() || name.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isLegal(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLegal(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }

    /**
     * Why {@code upstream__original} cannot be listed as it is, or null when it can (collisions aside). An empty
     * name qualifies to {@code upstream__}, which the rule allows but no call could name.
     */
    static @Nullable Reason problem(String upstream, String original) {
        if (original.isEmpty()) {
            return Reason.EMPTY;
        }
        String qualified = Namespace.qualify(upstream, original);
        for (int i = 0; i < qualified.length(); i++) {
            if (!isLegal(qualified.charAt(i))) {
                return Reason.ILLEGAL_CHARACTERS;
            }
        }
        return qualified.length() > MAX_LENGTH ? Reason.TOO_LONG : null;
    }

    /** The alias of {@code upstream}'s tool {@code original}: always provider-safe, the same for the same inputs. */
    public static String alias(String upstream, String original) {
        return alias(upstream, original, 0);
    }

    /** The alias, hashed again with {@code attempt} when an earlier one was taken (0: the first). */
    static String alias(String upstream, String original, int attempt) {
        StringBuilder alias = new StringBuilder(MAX_LENGTH);
        for (int i = 0; i < upstream.length() && alias.length() < READABLE_LENGTH; i++) {
            alias.append(isLegal(upstream.charAt(i)) ? upstream.charAt(i) : '_');
        }
        alias.append(Namespace.SEPARATOR);
        alias.setLength(Math.min(alias.length(), READABLE_LENGTH));
        // One '_' per code point: a character outside the Basic Multilingual Plane is one character to a reader.
        original.codePoints().takeWhile(c -> alias.length() < READABLE_LENGTH)
                .forEach(c -> alias.append(isLegal(c) ? (char) c : '_'));
        return alias.append('_').append(hash(upstream, original, attempt)).toString();
    }

    /**
     * 40 bits of SHA-256 over the upstream, the name and the attempt, each length-prefixed, so that no two inputs
     * share an encoding (names may hold any character, NUL included). UTF-16 code units are hashed as they are:
     * a lone surrogate, which UTF-8 cannot encode, stays distinct.
     */
    private static String hash(String upstream, String original, int attempt) {
        ByteBuffer input = ByteBuffer.allocate(3 * Integer.BYTES + Character.BYTES * (upstream.length() + original.length()));
        putText(input, upstream);
        putText(input, original);
        input.putInt(attempt);
        byte[] digest = sha256().digest(input.array());
        long bits = 0;
        for (int i = 0; i < 5; i++) {
            bits = (bits << 8) | (digest[i] & 0xff);
        }
        char[] text = new char[HASH_LENGTH];
        for (int i = HASH_LENGTH - 1; i >= 0; i--) {
            text[i] = HASH_ALPHABET.charAt((int) (bits & 31));
            bits >>>= 5;
        }
        return new String(text);
    }

    private static void putText(ByteBuffer buffer, String text) {
        buffer.putInt(text.length());
        for (int i = 0; i < text.length(); i++) {
            buffer.putChar(text.charAt(i));
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * How one upstream's tools (its whole list, in its order) are listed. Names that are fine keep their qualified
     * name, first come first served; the others, and a repeat of a name already listed, get an alias that no other
     * name of the list has (hashed again with a counter if it had).
     */
    static List<Exposed> expose(String upstream, List<String> originals) {
        Set<String> taken = new HashSet<>();
        List<@Nullable Reason> problems = new ArrayList<>(originals.size());
        for (String original : originals) {
            Reason problem = problem(upstream, original);
            if (problem == null && !taken.add(Namespace.qualify(upstream, original))) {
                problem = Reason.COLLISION;
            }
            problems.add(problem);
        }
        List<Exposed> exposed = new ArrayList<>(originals.size());
        for (int i = 0; i < originals.size(); i++) {
            String original = originals.get(i);
            Reason problem = problems.get(i);
            if (problem == null) {
                exposed.add(new Exposed(original, Namespace.qualify(upstream, original), null));
                continue;
            }
            String alias;
            int attempt = 0;
            do {
                alias = alias(upstream, original, attempt++);
            } while (!taken.add(alias));
            exposed.add(new Exposed(original, alias, problem));
        }
        return exposed;
    }

    /** Whether {@code name} has the shape of an alias (a tool's own name may have it too). */
    public static boolean mayBeAlias(String name) {
        int hashStart = name.length() - HASH_LENGTH;
        if (name.length() > MAX_LENGTH || hashStart < Namespace.SEPARATOR.length() + 2 || name.charAt(hashStart - 1) != '_') {
            return false;
        }
        for (int i = hashStart; i < name.length(); i++) {
            if (HASH_ALPHABET.indexOf(name.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether an alias of {@code upstream}'s tools could be {@code name}: its readable part starts with
     * {@code upstream__}, or, cut short inside a very long upstream name, is the start of it.
     */
    static boolean couldBeFrom(String name, String upstream) {
        if (!mayBeAlias(name)) {
            return false;
        }
        String readable = name.substring(0, name.length() - HASH_LENGTH - 1);
        String prefix = upstream + Namespace.SEPARATOR;
        return readable.length() >= prefix.length() ? readable.startsWith(prefix)
                : readable.length() == READABLE_LENGTH && prefix.startsWith(readable);
    }

    /** A name as a JSON string literal: quoted, with control characters escaped, safe to put in a log line. */
    public static String quoted(String name) {
        return tools.jackson.databind.node.JsonNodeFactory.instance.stringNode(name).toString();
    }
}
