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
 * @param directory      the directory of route files ({@code routes/} of the checkout by default); Camel loads
 *                       every {@code *.yaml} below it at start (application.yaml's routes-include-pattern)
 * @param reloadInterval how often changed files are reloaded; {@code 0s} switches reloading off
 */
@Validated
@ConfigurationProperties("caravan.routes")
public record RoutesProperties(@NotBlank @DefaultValue("routes") String directory,
                               @NotNull @DefaultValue("1s") Duration reloadInterval) {
}
