package dev.caravan.serving;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Where the route files are and how edits to them are picked up ({@code caravan.routes.*}).
 *
 * @param directory      route files laid over the ones packaged in the jar ({@link RouteFiles}): a {@code *.yaml}
 *                       below it replaces the packaged file of the same name, any other is added. Absolute or relative
 *                       to the working directory ({@code routes}, the checkout's own, by default); it need not exist
 * @param reloadInterval how often changed files in {@code directory} are reloaded; {@code 0s} switches reloading off
 */
@Validated
@ConfigurationProperties("caravan.routes")
public record RoutesProperties(@NotBlank @DefaultValue("routes") String directory,
                               @NotNull @DefaultValue("1s") Duration reloadInterval) {
}
