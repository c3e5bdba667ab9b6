package dev.caravan.budget;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Where budget alert webhooks may point. An admin who may set a webhook URL could otherwise make the gateway POST to
 * its own loopback services, the cloud metadata endpoint (169.254.169.254) or the private network behind it, so such
 * addresses are refused unless {@code caravan.budgets.alerts.allow-private-webhooks} says this deployment wants them.
 * Checked when a URL is set (literal addresses and names that resolve) and again before each delivery, as a name may
 * resolve elsewhere by then.
 */
public final class WebhookTargets {

    private final boolean allowPrivate;

    public WebhookTargets(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /**
     * Why {@code url} may not be called, or null when it may. A name that does not resolve now is let through: it is
     * checked again when an alert is sent, and a URL set while DNS is away should not be refused for that.
     */
    public String refusal(URI url) {
        if (allowPrivate || url.getHost() == null) {
            return null;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(url.getHost());
        } catch (UnknownHostException unresolved) {
            return null;
        }
        for (InetAddress address : addresses) {
            if (isInternal(address)) {
                return "its host resolves to " + address.getHostAddress() + ", a loopback, private, link-local or "
                        + "multicast address";
            }
        }
        return null;
    }

    /** Loopback, unspecified, link-local, private (RFC 1918, IPv6 unique local), shared (100.64/10) or multicast. */
    static boolean isInternal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            int first = bytes[0] & 0xff;
            int second = bytes[1] & 0xff;
            // 0.0.0.0/8 reaches this host on Linux; 100.64.0.0/10 is carrier-grade NAT, inside someone's network
            return first == 0 || (first == 100 && second >= 64 && second < 128);
        }
        // fc00::/7, IPv6 unique local addresses (Java's isSiteLocalAddress only knows the deprecated fec0::/10)
        return (bytes[0] & 0xfe) == 0xfc;
    }
}
