package dev.desafios.sqlite;

import dev.desafios.common.Page;
import dev.desafios.common.PageWriter;
import dev.desafios.common.Problem;
import dev.desafios.common.Request;
import dev.desafios.common.Response;

/** The {@code /notes} resource. */
final class NoteHandlers {
    private final NotesRepository notes;
    private final int maxPageBytes;

    NoteHandlers(NotesRepository notes, int maxPageBytes) {
        this.notes = notes;
        this.maxPageBytes = maxPageBytes;
    }

    Response create(Request request) {
        Note note = notes.insert(Note.New.fromJson(request.jsonBody(Note.New.fields())));
        return Response.created("/notes/" + note.id(), note.toJson());
    }

    /**
     * A page written as its notes are read, bounded in bytes as well as in count: one row past
     * the limit is read only to tell whether a next page exists.
     */
    Response list(Request request) {
        Page page = Page.of(request);
        var writer = new PageWriter(request, page, maxPageBytes, Note.MAX_CHARS);
        boolean more = notes.newestFirst(page.limit() + 1, page.offset(), note -> writer.add(note.toJson()));
        return writer.response(more);
    }

    Response find(Request request) {
        long id = request.idParam("id");
        Note note = notes.find(id).orElseThrow(() -> Problem.notFound("no note with id " + id));
        // The JSON writer's worst case for this note, reserved before it is written.
        request.reserveMemory(PageWriter.itemCost(note.title().length() + note.body().length()));
        return Response.ok(note.toJson());
    }

    Response delete(Request request) {
        long id = request.idParam("id");
        if (!notes.delete(id)) {
            throw Problem.notFound("no note with id " + id);
        }
        return Response.noContent();
    }
}
