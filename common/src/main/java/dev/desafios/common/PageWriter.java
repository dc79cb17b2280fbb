package dev.desafios.common;

import com.eclipsesource.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A list page written item by item as the items are read, bounded in bytes as well as in count.
 * A page takes items while its JSON stays within the byte bound (always at least one), so a page
 * of large items holds fewer than {@code limit}, and it names where the next page begins:
 * {@code {"items": [...], "limit": L, "offset": O, "nextOffset": N}}, {@code nextOffset} present
 * only when more items follow. The memory a page may take while it is built is reserved first
 * ({@link MemoryBudget}), from the JSON writer's worst case; once built, only the answer's own
 * bytes stay reserved while it is sent.
 */
public final class PageWriter {
    /**
     * The most bytes of JSON one character of text can become: control characters, U+2028 and
     * U+2029 are written as six-byte escapes ({@code \u2028}).
     */
    public static final int JSON_BYTES_PER_CHAR = 6;
    /**
     * What writing one item costs per byte of its JSON: the writer's growing buffer, the text it
     * becomes (two bytes a character once any is outside Latin-1), and its UTF-8 bytes.
     */
    private static final int ITEM_COST_PER_BYTE = 4;

    private final Request request;
    private final Page page;
    private final int maxBytes;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    private int count;
    private boolean full;

    /**
     * A page of at most {@code maxBytes} of items, each of at most {@code maxItemChars} characters
     * of text; a 503 when the service cannot reserve what building it may take.
     */
    public PageWriter(Request request, Page page, int maxBytes, long maxItemChars) {
        this.request = request;
        this.page = page;
        this.maxBytes = maxBytes;
        // The buffer may grow to twice what it holds, and the answer is one more copy of it.
        request.reserveMemory(3L * maxBytes + itemCost(maxItemChars));
        out.writeBytes("{\"items\":[".getBytes(StandardCharsets.US_ASCII));
    }

    /** What building one item of at most {@code maxChars} characters of text may take, in bytes. */
    public static long itemCost(long maxChars) {
        return ITEM_COST_PER_BYTE * JSON_BYTES_PER_CHAR * maxChars;
    }

    /**
     * Adds the item when the page has room for it; false once the page is full (by count or by
     * bytes), and then the item belongs to the next page.
     */
    public boolean add(JsonValue item) {
        if (full || count == page.limit()) {
            return false;
        }
        byte[] json = item.toString().getBytes(StandardCharsets.UTF_8);
        if (count > 0 && itemBytes() + 1 + json.length > maxBytes) {
            full = true;
            return false;
        }
        if (count > 0) {
            out.write(',');
        }
        out.writeBytes(json);
        count++;
        return true;
    }

    /** Items added so far. */
    public int count() {
        return count;
    }

    /** 200 with the page; {@code more} says whether items follow those added. */
    public Response response(boolean more) {
        var tail = new StringBuilder("],\"limit\":").append(page.limit()).append(",\"offset\":").append(page.offset());
        if (more) {
            tail.append(",\"nextOffset\":").append((long) page.offset() + count);
        }
        out.writeBytes(tail.append('}').toString().getBytes(StandardCharsets.US_ASCII));
        byte[] body = out.toByteArray();
        request.keepOnlyMemory(body.length);
        return Response.okJson(body);
    }

    private int itemBytes() {
        return out.size() - "{\"items\":[".length();
    }
}
