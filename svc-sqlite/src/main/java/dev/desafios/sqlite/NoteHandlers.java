package dev.desafios.sqlite;

import com.eclipsesource.json.JsonArray;
import dev.desafios.common.Page;
import dev.desafios.common.Problem;
import dev.desafios.common.Request;
import dev.desafios.common.Response;

/** The {@code /notes} resource. */
final class NoteHandlers {
    /** Bytes of memory a character of a note can cost while a page is built. */
    private static final int BUILD_COST = 18;

    private final NotesRepository notes;

    NoteHandlers(NotesRepository notes) {
        this.notes = notes;
    }

    Response create(Request request) {
        Note note = notes.insert(Note.New.fromJson(request.jsonBody(Note.New.fields())));
        return Response.created("/notes/" + note.id(), note.toJson());
    }

    Response list(Request request) {
        Page page = Page.of(request);
        var found = notes.newestFirst(page.limit(), page.offset());
        // A page is built whole: up to six bytes of JSON a character (control characters are
        // escaped), about three times over while the text grows and is copied into bytes.
        request.reserveMemory(BUILD_COST * found.stream().mapToLong(n -> n.title().length() + n.body().length()).sum());
        var items = new JsonArray();
        found.forEach(note -> items.add(note.toJson()));
        return Response.ok(page.toJson(items));
    }

    Response find(Request request) {
        long id = request.idParam("id");
        return notes.find(id).map(note -> Response.ok(note.toJson()))
                .orElseThrow(() -> Problem.notFound("no note with id " + id));
    }

    Response delete(Request request) {
        long id = request.idParam("id");
        if (!notes.delete(id)) {
            throw Problem.notFound("no note with id " + id);
        }
        return Response.noContent();
    }
}
