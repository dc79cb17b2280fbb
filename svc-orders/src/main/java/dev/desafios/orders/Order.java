package dev.desafios.orders;

import com.eclipsesource.json.JsonObject;
import dev.desafios.common.StrictJson;
import dev.desafios.common.Problem;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Set;

/** A stored order; money is {@code BigDecimal} inside and a two-decimal string outside. */
record Order(long id, long userId, String item, int quantity, BigDecimal unitPrice, BigDecimal total,
        String createdAt) {

    /** The largest user id: the users service routes ids of at most 18 digits. */
    static final long MAX_USER_ID = 999_999_999_999_999_999L;

    /** What a client may send: the server sets {@code id}, {@code total} and {@code createdAt}. */
    record New(long userId, String item, int quantity, BigDecimal unitPrice) {
        static final int MAX_ITEM = 200;
        static final int MAX_QUANTITY = 1000;
        static final BigDecimal MAX_PRICE = new BigDecimal("1000000.00");
        private static final Set<String> FIELDS = Set.of("userId", "item", "quantity", "unitPrice");

        static New fromJson(JsonObject json) {
            long userId = StrictJson.whole(json, "userId", 1, MAX_USER_ID);
            String item = StrictJson.string(json, "item").strip();
            int length = item.codePointCount(0, item.length());
            if (length < 1 || length > MAX_ITEM) {
                throw Problem.badRequest("field 'item' must have 1 to " + MAX_ITEM + " characters");
            }
            // StrictJson.string has refused lone surrogates already; an item holds no control characters.
            if (item.codePoints().anyMatch(Character::isISOControl)) {
                throw Problem.badRequest("field 'item' must not contain control characters");
            }
            int quantity = (int) StrictJson.whole(json, "quantity", 1, MAX_QUANTITY);
            BigDecimal unitPrice = StrictJson.decimal(json, "unitPrice");
            // 19.990 is the same amount as 19.99; 19.999 is not a price.
            if (unitPrice.stripTrailingZeros().scale() > 2) {
                throw Problem.badRequest("field 'unitPrice' must have at most two decimals");
            }
            if (unitPrice.signum() < 0 || unitPrice.compareTo(MAX_PRICE) > 0) {
                throw Problem.badRequest("field 'unitPrice' must be from 0.00 to " + MAX_PRICE);
            }
            return new New(userId, item, quantity, money(unitPrice));
        }

        static Set<String> fields() {
            return FIELDS;
        }

        BigDecimal total() {
            return money(unitPrice.multiply(BigDecimal.valueOf(quantity)));
        }
    }

    JsonObject toJson() {
        return new JsonObject()
                .add("id", id)
                .add("userId", userId)
                .add("item", item)
                .add("quantity", quantity)
                .add("unitPrice", unitPrice.toPlainString())
                .add("total", total.toPlainString())
                .add("createdAt", createdAt);
    }

    /** Two decimals exactly; callers have already refused anything finer, so nothing is rounded. */
    private static BigDecimal money(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.UNNECESSARY);
    }
}
