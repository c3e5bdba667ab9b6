package dev.caravan.format;

import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every wire format the gateway speaks to providers, by name. */
@Component
public class ProviderFormats {

    private final Map<String, ProviderFormat> byName;

    public ProviderFormats(List<ProviderFormat> formats) {
        this.byName = formats.stream().collect(Collectors.toUnmodifiableMap(ProviderFormat::name, Function.identity()));
    }

    public ProviderFormat get(String name) {
        ProviderFormat format = byName.get(name);
        if (format == null) {
            throw new IllegalArgumentException("unknown provider format '" + name + "'; known: " + byName.keySet());
        }
        return format;
    }
}
