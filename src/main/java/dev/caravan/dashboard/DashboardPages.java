package dev.caravan.dashboard;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * {@code /dashboard}: the operator's page, static files in the jar ({@code static/dashboard/}: one HTML page, a few ES
 * modules, CSS) and the uPlot charting library from its webjar under {@code /webjars/}. The files are public; every
 * figure they show is fetched from the admin API with the admin key the page's sign-in keeps in session storage,
 * so nothing is readable without it.
 */
@Configuration
public class DashboardPages implements WebMvcConfigurer {

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        // the page's relative module paths resolve against /dashboard/, so the bare path is sent there first
        registry.addRedirectViewController("/dashboard", "/dashboard/");
        registry.addViewController("/dashboard/").setViewName("forward:/dashboard/index.html");
    }
}
