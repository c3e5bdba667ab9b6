package dev.caravan.config;

import dev.caravan.admin.AdminKey;
import dev.caravan.metrics.MetricsAccess;
import dev.caravan.metrics.MetricsProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The guard of {@code /actuator/prometheus} ({@link MetricsAccess}), mapped to that path alone so that no other
 * request passes through it.
 */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

    @Bean
    FilterRegistrationBean<MetricsAccess> metricsAccess(AdminKey adminKey, MetricsProperties properties) {
        FilterRegistrationBean<MetricsAccess> registration =
                new FilterRegistrationBean<>(new MetricsAccess(adminKey, properties));
        registration.addUrlPatterns("/actuator/prometheus", "/actuator/prometheus/*");
        return registration;
    }
}
