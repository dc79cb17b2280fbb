package dev.desafios.common;

import static dev.desafios.common.testing.TestHttp.json;
import static dev.desafios.common.testing.TestHttp.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Request bodies through a real server: their content type, charset and content coding. */
class RequestBodyContentTypeTest extends RequestBodyFixture {
    @Test
    void body_wrongContentType_415() {
        String json = "{\"name\":\"n\",\"count\":1}";

        problem(http.post("/things", "text/plain", BodyPublishers.ofString(json)), 415);
        problem(http.post("/things", "application/jsonx", BodyPublishers.ofString(json)), 415);
        problem(http.post("/things", null, BodyPublishers.ofString(json)), 415);
        assertNothingAcceptedAndStillServing();
    }

    @Test
    void body_contentTypeWithCharset_accepted() {
        json(http.post("/things", "Application/JSON; charset=UTF-8",
                BodyPublishers.ofString("{\"name\":\"n\",\"count\":1}")), 201);
    }

    @Test
    void body_charsetUtf8QuotedOrAmongOtherParameters_accepted() {
        for (String type : new String[] {"application/json;charset=\"utf-8\"", "application/json; v=1; CHARSET=Utf-8",
                "application/json; charset=utf-8 ", "application/json; x=\"a;charset=utf-16\"; charset=utf-8"}) {
            json(http.post("/things", type, BodyPublishers.ofString("{\"name\":\"n\",\"count\":1}")), 201);
        }
    }

    /** UTF-16 read as UTF-8 would be garbage or a 400 about bytes the client never got wrong: 415 names the charset. */
    @Test
    void body_charsetOtherThanUtf8_415NamingIt() {
        String json = "{\"name\":\"n\",\"count\":1}";
        for (String charset : new String[] {"utf-16", "UTF-16LE", "\"utf-16\"", "iso-8859-1", "us-ascii", "utf8", "\"\""}) {
            JsonObject problem = problem(http.post("/things", "application/json; charset=" + charset,
                    BodyPublishers.ofString(json, StandardCharsets.UTF_16)), 415);

            String named = charset.replace("\"", "");
            assertTrue(problem.getString("detail", "").contains("'" + named + "'"), problem.toString());
        }
        problem(http.post("/things", "application/json; charset=utf-8; charset=utf-16", BodyPublishers.ofString(json)), 415);
        assertNothingAcceptedAndStillServing();
    }

    /** A gzip body stored as text would be garbage under a 201: 415, naming the coding, with Accept-Encoding. */
    @Test
    void body_contentEncodingOtherThanIdentity_415NamingItWithAcceptEncoding() {
        String json = "{\"name\":\"n\",\"count\":1}";
        for (String coding : new String[] {"gzip", "GZIP", "br", "deflate", "identity, gzip", " , x-custom"}) {
            HttpResponse<String> response = http.send(http.request("/things")
                    .POST(BodyPublishers.ofString(json))
                    .header("Content-Type", "application/json")
                    .header("Content-Encoding", coding));

            JsonObject problem = problem(response, 415);
            String named = coding.substring(coding.lastIndexOf(',') + 1).strip();
            assertTrue(problem.getString("detail", "").contains("'" + named + "'"), problem.toString());
            assertEquals("identity", response.headers().firstValue("Accept-Encoding").orElse(null), coding);
        }
        assertNothingAcceptedAndStillServing();
    }

    /** One line checked and the body read as another would be a way round the 415s: two lines are a 400. */
    @Test
    void body_twoContentTypeLines_400NothingAccepted() {
        for (String second : new String[] {"application/json; charset=iso-8859-1", "text/plain", "application/json"}) {
            HttpResponse<String> response = http.send(http.request("/things")
                    .POST(BodyPublishers.ofString("{\"name\":\"n\",\"count\":1}"))
                    .header("Content-Type", "application/json")
                    .header("Content-Type", second));

            JsonObject problem = problem(response, 400);
            assertTrue(problem.getString("detail", "").contains("Content-Type"), problem.toString());
        }
        assertNothingAcceptedAndStillServing();
    }

    @Test
    void body_charsetWithoutValueOrInExtendedForm_415() {
        for (String type : new String[] {"application/json; charset", "application/json; CHARSET ; v=1",
                "application/json; charset*=utf-16", "application/json; Charset*=UTF-8''"}) {
            problem(http.post("/things", type, BodyPublishers.ofString("{\"name\":\"n\",\"count\":1}")), 415);
        }
        assertNothingAcceptedAndStillServing();
    }

    @Test
    void body_contentEncodingOnSecondLine_415() {
        HttpResponse<String> response = http.send(http.request("/things")
                .POST(BodyPublishers.ofString("{\"name\":\"n\",\"count\":1}"))
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "identity")
                .header("Content-Encoding", "gzip"));

        problem(response, 415);
        assertNothingAcceptedAndStillServing();
    }

    @Test
    void body_contentEncodingIdentity_accepted() {
        for (String coding : new String[] {"identity", "IDENTITY", "identity, identity"}) {
            json(http.send(http.request("/things")
                    .POST(BodyPublishers.ofString("{\"name\":\"n\",\"count\":1}"))
                    .header("Content-Type", "application/json")
                    .header("Content-Encoding", coding)), 201);
        }
    }
}
