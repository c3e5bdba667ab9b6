package dev.caravan.canonical;

/**
 * A call the model made. In stream deltas {@code index} says which call a fragment belongs to, and only the first
 * fragment carries {@code id} and {@code name}; later ones carry argument text only.
 */
public record ToolCall(Integer index, String id, String type, FunctionCall function) {

    public static ToolCall of(String id, String name, String arguments) {
        return new ToolCall(null, id, "function", new FunctionCall(name, arguments));
    }

    public static ToolCall start(int index, String id, String name) {
        return new ToolCall(index, id, "function", new FunctionCall(name, ""));
    }

    public static ToolCall argumentsDelta(int index, String fragment) {
        return new ToolCall(index, null, null, new FunctionCall(null, fragment));
    }

    /** {@code arguments} is a JSON object serialised as a string, as OpenAI sends it. */
    public record FunctionCall(String name, String arguments) {
    }
}
