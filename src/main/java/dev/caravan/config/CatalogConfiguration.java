package dev.caravan.config;

import dev.caravan.catalog.CatalogProperties;
import dev.caravan.catalog.ModelCatalog;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;

import java.io.IOException;
import java.io.InputStream;

@Configuration(proxyBeanMethods = false)
class CatalogConfiguration {

    @Bean
    ModelCatalog modelCatalog(CatalogProperties properties, ResourceLoader resources) throws IOException {
        try (InputStream in = resources.getResource(properties.catalog()).getInputStream()) {
            return ModelCatalog.read(in);
        }
    }
}
