package dev.caravan.cache;

import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Json;
import dev.caravan.identity.Caller;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where an answer is kept: the SHA-256 of whose it is and of the whole canonical request (model, messages, tools,
 * sampling parameters, stream flag and options, routing options: everything the client sent), so a hit is an exact
 * match and one project's answers can never be another's. Caching by meaning (similar prompts) is not done: it
 * would hand a client an answer to a question it did not ask.
 */
final class CacheKey {

    private CacheKey() {
    }

    static String of(Caller caller, ChatRequest request) {
        MessageDigest digest = sha256();
        digest.update(partition(caller).getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
        digest.update(Json.write(request));
        return HexFormat.of().formatHex(digest.digest());
    }

    /** A project's keys and tokens share its answers; a key of no project has its own. */
    static String partition(Caller caller) {
        if (caller == null) {
            return "open";
        }
        return caller.projectId() != null ? "project:" + caller.projectId() : "key:" + caller.keyId();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
