package dev.caravan.api;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;
import java.util.List;

/**
 * How the inbound APIs read requests and write streams ({@code caravan.max-request-size},
 * {@code caravan.stream-heartbeat}).
 *
 * @param maxRequestSize  the largest request body accepted; a larger one is refused with 413 before it is read
 * @param streamHeartbeat how long a stream may stay silent before the gateway writes an SSE comment; the write is
 *                        also how a client that went away is noticed, and its provider call aborted
 * @param anthropicBetas  the {@code anthropic-beta} values a Messages client's request may take to an Anthropic
 *                        provider (pass-through only); any other value is left out, and named in the answer's
 *                        {@code x-caravan-dropped-betas} header. The default lets through what Claude Code sends for
 *                        its own features; left out are betas that change what a request costs beyond the catalog's
 *                        prices ({@code context-1m-*}), act with the caller's Anthropic account
 *                        ({@code oauth-*}, {@code files-api-*}) or make Anthropic call out ({@code mcp-client-*})
 */
@Validated
@ConfigurationProperties("caravan")
public record ApiProperties(@NotNull @DefaultValue("10MB") DataSize maxRequestSize,
                            @NotNull @DefaultValue("5s") Duration streamHeartbeat,
                            @NotNull @DefaultValue({"claude-code-20250219", "interleaved-thinking-2025-05-14",
                                    "fine-grained-tool-streaming-2025-05-14", "token-efficient-tools-2025-02-19",
                                    "context-management-2025-06-27", "extended-cache-ttl-2025-04-11",
                                    "prompt-caching-scope-2026-01-05", "effort-2025-11-24",
                                    "output-128k-2025-02-19", "advanced-tool-use-2025-11-20"})
                            List<String> anthropicBetas) {
}
