package dev.caravan.config;

import dev.caravan.routing.ModelCatalog;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;

import java.io.IOException;
import java.io.InputStream;

@Configuration(proxyBeanMethods = false)
class CatalogConfiguration {

    @Bean
    ModelCatalog modelCatalog(CaravanProperties properties, ResourceLoader resources) throws IOException {
        try (InputStream in = resources.getResource(properties.catalog()).getInputStream()) {
            return ModelCatalog.read(in);
        }
    }
}
