package dev.caravan.keys;

/** A key just created, with its secret: the only time the secret exists outside the client that receives it. */
public record IssuedKey(ApiKey key, String secret) {

    @Override
    public String toString() {
        // a record prints its fields: this one must never reach a log by accident
        return "IssuedKey[" + key + ", secret=…]";
    }
}
