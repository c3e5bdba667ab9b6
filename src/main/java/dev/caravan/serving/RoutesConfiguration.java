package dev.caravan.serving;

import org.apache.camel.CamelContext;
import org.apache.camel.main.RoutesCollector;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.spring.boot.CamelConfigurationProperties;
import org.apache.camel.spring.boot.CamelSpringBootRoutesCollector;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Which route files Camel loads at start: {@link RouteFiles}, then whatever camel.main.routes-include-pattern adds. */
@Configuration(proxyBeanMethods = false)
class RoutesConfiguration {

    /** camel-spring-boot's collector (it backs off when one exists), with the route files found by {@link RouteFiles}. */
    @Bean
    RoutesCollector routesCollector(ApplicationContext spring, CamelConfigurationProperties camel,
                                    RoutesProperties routes) {
        Path directory = Path.of(routes.directory()).toAbsolutePath();
        return new CamelSpringBootRoutesCollector(spring, camel.getMain().isIncludeNonSingletons()) {
            // Camel calls this once at start with camel.main.routes-include-pattern: the route files come first, and the
            // pattern (Camel's default matches nothing of ours) may still add routes from elsewhere
            @Override
            public Collection<RoutesBuilder> collectRoutesFromDirectory(CamelContext context, String excludes,
                                                                        String includes) {
                List<RoutesBuilder> builders = new ArrayList<>();
                try {
                    builders.addAll(PluginHelper.getRoutesLoader(context)
                            .findRoutesBuilders(RouteFiles.resolve(directory)));
                } catch (Exception e) {
                    throw RuntimeCamelException.wrapRuntimeException(e);
                }
                builders.addAll(super.collectRoutesFromDirectory(context, excludes, includes));
                return builders;
            }
        };
    }
}
