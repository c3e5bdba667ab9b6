package dev.caravan.serving;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.BeanDefinition;
import org.apache.camel.model.ExpressionNode;
import org.apache.camel.model.ProcessDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.WireTapDefinition;
import org.apache.camel.model.language.ExpressionDefinition;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a reloaded route file needs from the running gateway, checked before its old routes are touched: every bean
 * its steps name ({@code process}, {@code bean}, a {@code ref} expression, a wireTap's {@code onPrepare} and
 * {@code executorService}) is registered, and every endpoint it sends to has a component. Camel would find out only
 * while adding the new routes, after it had removed the old ones, and requests needing them would fail until the old
 * version is put back (seen: 27 of 4,000 requests answered 500 while an edit of chains/failover.yaml naming a bean
 * the running jar lacked was swapped out and back). Failures this cannot see (an endpoint's bad option, say) still
 * go through the put-back.
 */
final class RoutePreflight {

    private RoutePreflight() {
    }

    /**
     * The file's problems, one line each; empty when it may be loaded. {@code ownBeans} are the names the file's
     * own {@code beans} block registers as it loads.
     */
    static List<String> problems(CamelContext camel, RouteBuilder routes, Set<String> ownBeans) throws Exception {
        List<String> problems = new ArrayList<>();
        for (RouteDefinition route : routes.configureRoutes(camel).getRoutes()) {
            String id = route.getRouteId() == null ? route.getInput().getUri() : route.getRouteId();
            List<ProcessorDefinition<?>> outputs = route.getOutputs();
            for (ProcessorDefinition<?> node : ProcessorDefinitionHelper.filterTypeInOutputs(outputs,
                    ProcessorDefinition.class)) {
                for (String bean : beansNamed(node)) {
                    if (bean.startsWith("#class:") || bean.startsWith("#type:")) {
                        continue;
                    }
                    String name = camel.resolvePropertyPlaceholders(bean.replaceFirst("^#(bean:)?", ""));
                    if (!ownBeans.contains(name) && camel.getRegistry().lookupByName(name) == null) {
                        problems.add("route " + id + " names bean '" + name + "', which this gateway does not have");
                    }
                }
                if (node instanceof SendDefinition<?> send && send.getUri() != null && !send.getUri().contains("${")) {
                    String uri = camel.resolvePropertyPlaceholders(send.getUri());
                    int colon = uri.indexOf(':');
                    String scheme = colon < 0 ? uri : uri.substring(0, colon);
                    if (camel.getComponent(scheme) == null) {
                        problems.add("route " + id + " sends to '" + uri + "': no component '" + scheme + "'");
                    }
                }
            }
        }
        return problems;
    }

    private static List<String> beansNamed(ProcessorDefinition<?> node) {
        List<String> names = new ArrayList<>();
        if (node instanceof ProcessDefinition process && process.getRef() != null) {
            names.add(process.getRef());
        }
        if (node instanceof BeanDefinition bean && bean.getRef() != null) {
            names.add(bean.getRef());
        }
        if (node instanceof WireTapDefinition<?> tap) {
            if (tap.getOnPrepare() != null) {
                names.add(tap.getOnPrepare());
            }
            if (tap.getExecutorService() != null) {
                names.add(tap.getExecutorService());
            }
        }
        if (node instanceof ExpressionNode expressive && expressive.getExpression() != null) {
            ExpressionDefinition expression = expressive.getExpression();
            if ("ref".equals(expression.getLanguage()) && expression.getExpression() != null) {
                names.add(expression.getExpression().trim());
            }
        }
        return names;
    }
}
