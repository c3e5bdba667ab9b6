package dev.caravan.catalog;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the model catalog comes from ({@code caravan.catalog}).
 *
 * @param catalog a Spring resource location such as {@code classpath:catalog.yaml} or
 *                {@code file:/etc/caravan/catalog.yaml}
 */
@Validated
@ConfigurationProperties("caravan")
public record CatalogProperties(@NotBlank @DefaultValue("classpath:catalog.yaml") String catalog) {
}
