import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * The identity provider of bench/jwt-cost.sh: an RSA-2048 key whose public half it serves as a key set on
 * {@code http://127.0.0.1:PORT/jwks}, and RS256 tokens signed with it (issuer {@code https://bench-idp.invalid},
 * audience {@code caravan}, {@code azp} naming the project, valid 2 hours) written one per line to files: one file
 * holding the same token once (a client that reuses its token, as clients do), and FILES files of COUNT distinct
 * tokens each (a token the gateway has never seen, per request). Prints READY once the files are written, then
 * serves the key set until it is killed. Runs on the classes of a built jar (nimbus-jose-jwt is in it):
 *
 *   java -cp 'BOOT-INF/lib/*' BenchIdp PORT DIR PROJECT COUNT FILES
 */
public final class BenchIdp {

    static final String ISSUER = "https://bench-idp.invalid";

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path dir = Path.of(args[1]);
        String project = args[2];
        int count = Integer.parseInt(args[3]);
        int files = Integer.parseInt(args[4]);
        RSAKey key = new RSAKeyGenerator(2048).keyID("bench-1").generate();
        byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        server.createContext("/jwks", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        server.start();

        Files.writeString(dir.resolve("token-reused.txt"), token(key, project) + "\n");
        for (int f = 0; f < files; f++) {
            // both cores sign: RSA signing is the slow part of setting up a run
            List<String> tokens = new ArrayList<>(IntStream.range(0, count).parallel()
                    .mapToObj(i -> token(key, project)).toList());
            Files.write(dir.resolve("tokens-fresh-" + f + ".txt"), tokens);
        }
        System.out.println("READY");
    }

    private static String token(RSAKey key, String project) {
        try {
            long now = System.currentTimeMillis();
            JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience("caravan")
                    .subject("bench-user").claim("azp", project).jwtID(UUID.randomUUID().toString())
                    .issueTime(new Date(now)).expirationTime(new Date(now + 2 * 3600_000L)).build();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
