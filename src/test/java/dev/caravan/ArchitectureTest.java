package dev.caravan;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.caravan.routing.RoutingOptions;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package dependencies the request path is built on: dependencies point one way, so that a new inbound API or
 * provider plugs in without dragging half the gateway into a cycle. The inbound and provider formats stay pure
 * translation (no routing, usage or accounting); accounting sits above usage and budgets; Spring wiring
 * ({@code config}) and Camel plumbing ({@code serving}) are imported by nobody.
 */
class ArchitectureTest {

    private static final JavaClasses GATEWAY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.caravan");

    /**
     * The one dependency of {@code format} on {@code routing} left: {@code ProviderFormat.toUpstream} takes the
     * request's {@link RoutingOptions} for Anthropic's auto caching. It is being replaced by a format-level
     * {@code format/UpstreamHints} record on main; with it gone, this exception goes too.
     */
    private static final DescribedPredicate<JavaClass> ROUTING_OPTIONS =
            equivalentTo(RoutingOptions.class);

    @Test
    void top_level_packages_are_free_of_cycles() {
        slices().matching("dev.caravan.(*)..").should().beFreeOfCycles()
                .ignoreDependency(resideInAPackage("dev.caravan.format.."), ROUTING_OPTIONS)
                .check(GATEWAY);
    }

    @Test
    void nothing_imports_the_spring_wiring() {
        noClasses().that().resideOutsideOfPackage("dev.caravan.config..")
                .should().dependOnClassesThat().resideInAPackage("dev.caravan.config..")
                .check(GATEWAY);
    }

    @Test
    void nothing_imports_the_camel_plumbing() {
        noClasses().that().resideOutsideOfPackage("dev.caravan.serving..")
                .should().dependOnClassesThat().resideInAPackage("dev.caravan.serving..")
                .check(GATEWAY);
    }

    @Test
    void formats_translate_without_routing_usage_or_accounting() {
        noClasses().that().resideInAPackage("dev.caravan.format..")
                .should().dependOnClassesThat(resideInAnyPackage("dev.caravan.routing..", "dev.caravan.usage..",
                        "dev.caravan.accounting..").and(not(ROUTING_OPTIONS)))
                .check(GATEWAY);
    }
}
