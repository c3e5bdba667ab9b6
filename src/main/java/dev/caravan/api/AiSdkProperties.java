package dev.caravan.api;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the AI SDK's gateway protocol is served ({@code caravan.ai-sdk.*}): the paths {@code createGateway({ baseURL })}
 * is given, below which {@code /config} and {@code /language-model} answer (routes/api/ai-sdk-*.yaml read these with
 * the same defaults, as route placeholders).
 *
 * @param basePath     the protocol's base path (default {@code /v3/ai}, the path Vercel's gateway served
 *                     {@code @ai-sdk/gateway} 3.x at)
 * @param nextBasePath a second base path serving the same protocol (default {@code /v4/ai}, where
 *                     {@code @ai-sdk/gateway} 4.x points by default); the two differ only in the
 *                     {@code ai-language-model-specification-version} header, which the gateway reads the same way
 */
@Validated
@ConfigurationProperties("caravan.ai-sdk")
public record AiSdkProperties(
        @NotNull @Pattern(regexp = "(/[A-Za-z0-9._-]+)+") @DefaultValue("/v3/ai") String basePath,
        @NotNull @Pattern(regexp = "(/[A-Za-z0-9._-]+)+") @DefaultValue("/v4/ai") String nextBasePath) {
}
