package dev.caravan.auth.oidc;

/**
 * Tells a JWT from a gateway key by its look alone, with no network call or lookup: a compact JWS is three base64url
 * segments, the first a JSON header (so it starts {@code eyJ}, the encoding of <code>{"</code>). Gateway keys are
 * {@code cvn_} and base62, which never contain a dot.
 */
public final class JwtShape {

    private JwtShape() {
    }

    public static boolean looksLikeJwt(String credential) {
        if (!credential.startsWith("eyJ")) {
            return false;
        }
        int dots = 0;
        int segmentLength = 0;
        for (int i = 0; i < credential.length(); i++) {
            char c = credential.charAt(i);
            if (c == '.') {
                if (segmentLength == 0) {
                    return false;
                }
                dots++;
                segmentLength = 0;
            } else if (isBase64Url(c)) {
                segmentLength++;
            } else {
                return false;
            }
        }
        // an unsigned token ("alg":"none") has an empty third segment: not a shape worth verifying
        return dots == 2 && segmentLength > 0;
    }

    private static boolean isBase64Url(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_';
    }
}
