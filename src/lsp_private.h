/*
 * lsp_private.h - state shared by the language server's modules: the server
 * (connection, lifecycle, settings, the engine) and its open documents
 * (text, last lint), plus the JSON helpers they all use.
 *
 * Ownership: the server owns its documents; a document owns its URI, path,
 * text, lintfile and diagnostic list. Nothing else holds them across
 * messages.
 */
#ifndef TRAINLINT_LSP_PRIVATE_H
#define TRAINLINT_LSP_PRIVATE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "diag.h"
#include "engine.h"
#include "facts.h"
#include "hw.h"
#include "jsonrpc.h"
#include "lint.h"

/* JSON-RPC and LSP error codes. */
enum {
    RPC_PARSE_ERROR = -32700,
    RPC_INVALID_REQUEST = -32600,
    RPC_METHOD_NOT_FOUND = -32601,
    RPC_INVALID_PARAMS = -32602,
    RPC_INTERNAL_ERROR = -32603,
    LSP_SERVER_NOT_INITIALIZED = -32002
};

typedef struct lsp_doc {
    char *uri;   /* as the client spelled it */
    char *path;  /* local path of a file:// URI, else NULL */
    char *text;  /* the editor's text */
    size_t len;
    int version; /* -1 unknown */
    bool dirty;  /* text changed since the last lint */
    bool unpublished; /* diagnostics not sent since the last lint */
    lintfile *lf;     /* last lint, or NULL (excluded, not yet linted) */
    diag_list dl;     /* its diagnostics, sorted */
    /* what the last lint used, for proving its fixes (fixproof.h) on the
     * first code action request; valid while lf is */
    const project_config *pc;
    lint_opts lo;
    facts_opts fo;
    bool proved; /* the fixes in dl are proven */
} lsp_doc;

/* Settings from initializationOptions (or workspace/didChangeConfiguration);
 * strings owned. */
typedef struct lsp_settings {
    char *gpu;       /* overrides the project's gpu: */
    double gpus;     /* overrides gpus: (0 = not set) */
    char *config;    /* a settings file instead of the nearest .trainlint.yaml */
    bool isolated;   /* ignore .trainlint.yaml files */
    bool report_unknown_format; /* an info on files that are not trainer configs */
} lsp_settings;

typedef enum lsp_state { LSP_UNINITIALIZED, LSP_RUNNING, LSP_SHUT_DOWN } lsp_state;

typedef struct lsp_server {
    rpc_reader in;
    int out_fd;
    bool out_failed; /* the client is gone */
    lsp_state state;
    bool exit_now;   /* an exit notification arrived */
    bool fatal;      /* trainlint's own data stopped loading: end the session */
    engine eng;
    lsp_settings set;
    lsp_doc **docs;
    size_t ndocs, capdocs;
    hw_gpu hw;       /* the local GPU, for gpu: auto */
    bool hw_tried, hw_ok;
    strmap warned;   /* messages already shown (keys in mem) */
    arena mem;
} lsp_server;

/* A handler's answer: a result (NULL means JSON null), or an error. */
typedef struct lsp_reply {
    cJSON *result;
    int code; /* 0, or an error code */
    char message[256];
} lsp_reply;

/* Fills an error reply. */
void lsp_fail(lsp_reply *r, int code, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* ---- lsp.c: settings and sending ---- */
/* Reads settings (initializationOptions, or settings.trainlint of
 * workspace/didChangeConfiguration) over the current ones. */
void lsp_settings_read(lsp_server *s, const cJSON *o);
/* Sends a notification; takes ownership of params. */
void lsp_notify(lsp_server *s, const char *method, cJSON *params);
/* window/showMessage, once per distinct text (type 1 error, 2 warning). */
void lsp_show_once(lsp_server *s, int type, const char *text);

/* ---- lsp_json.c: reading and building JSON ---- */
/* Never NULL: dies on out of memory like every allocation in trainlint. */
cJSON *lsp_obj(void);
cJSON *lsp_arr(void);
/* Adds a string, replacing invalid UTF-8 so the output stays valid JSON. */
void lsp_add_str(cJSON *o, const char *name, const char *s);
/* params.textDocument.uri, or NULL. */
const char *lsp_doc_uri(const cJSON *params);
/* A string member, or NULL. */
const char *lsp_get_str(const cJSON *o, const char *name);
/* An LSP uinteger member (0 .. 2^31-1, integral); false when absent or not one. */
bool lsp_get_uint(const cJSON *o, const char *name, size_t *out);
/* A Position {line, character} as a byte offset of src. */
bool lsp_get_position(const cJSON *pos, const srcfile *src, size_t *off);
/* The URI of a srcfile (malloc'd): the document's own when it is the
 * document's, else the file URI of its path. */
char *lsp_src_uri(const lsp_doc *ld, const srcfile *src);
/* The LSP Diagnostic of one of a document's findings. */
cJSON *lsp_diag_json(const lsp_doc *ld, const diag *d);

/* ---- lsp_docs.c: documents and diagnostics ---- */
lsp_doc *lsp_doc_find(lsp_server *s, const char *uri);
/* Opens (or replaces) a document; takes ownership of text. */
lsp_doc *lsp_doc_open(lsp_server *s, const char *uri, char *text, size_t len, int version);
/* Replaces a document's text; takes ownership of text. */
void lsp_doc_set_text(lsp_doc *d, char *text, size_t len, int version);
/* Closes a document and clears its diagnostics in the client. */
void lsp_doc_close(lsp_server *s, const char *uri);
/* Lints a document when its text changed since the last lint. */
void lsp_doc_ensure_linted(lsp_server *s, lsp_doc *d);
/* Proves the fixes of a linted document once (they are only needed for code
 * actions, so diagnostics are published without waiting for it). */
void lsp_doc_ensure_proved(lsp_server *s, lsp_doc *d);
/* Lints what changed and sends the diagnostics not yet sent. */
void lsp_publish_pending(lsp_server *s);
/* Reloads the engine and project settings (after .trainlint.yaml changed
 * or the settings did) and marks every document for linting. Returns -1
 * when trainlint's own data does not load. */
int lsp_reload(lsp_server *s);
void lsp_docs_free(lsp_server *s);

/* ---- lsp_sync.c: notifications that carry the editor's state ---- */
void lsp_did_open(lsp_server *s, const cJSON *params, lsp_reply *r);
void lsp_did_change(lsp_server *s, const cJSON *params, lsp_reply *r);
void lsp_did_save(lsp_server *s, const cJSON *params, lsp_reply *r);
void lsp_did_close(lsp_server *s, const cJSON *params, lsp_reply *r);
void lsp_did_change_configuration(lsp_server *s, const cJSON *params, lsp_reply *r);

/* ---- lsp_actions.c / lsp_hover.c: requests on a document ---- */
void lsp_code_action(lsp_server *s, const cJSON *params, lsp_reply *r);
void lsp_hover(lsp_server *s, const cJSON *params, lsp_reply *r);
/* Appends the memory estimate of a checked file (lsp_estimate.c). */
void lsp_estimate_markdown(const lintfile *lf, strbuf *md);

#endif
