package dev.desafios.common;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;

/** The paging of every list: {@code limit} 1..100 (default 20) and {@code offset} from 0. */
public record Page(int limit, int offset) {

    /** Reads {@code limit} and {@code offset} from the query; anything out of range is a 400. */
    public static Page of(Request request) {
        return new Page((int) request.queryWhole("limit", 20, 1, 100),
                (int) request.queryWhole("offset", 0, 0, Integer.MAX_VALUE));
    }

    /**
     * The list document: {@code {"items": [...], "limit": L, "offset": O}}. Lists whose items can
     * be large are written by a {@link PageWriter} instead, bounded in bytes too.
     */
    public JsonObject toJson(JsonArray items) {
        return new JsonObject().add("items", items).add("limit", limit).add("offset", offset);
    }
}
