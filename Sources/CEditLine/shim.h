// Fixed-arity wrappers around libedit's variadic el_set() and history(), which
// Swift cannot call. libedit comes from Debian's libedit-dev (scripts/lib.sh).
#ifndef VSH_CEDITLINE_SHIM_H
#define VSH_CEDITLINE_SHIM_H

#include <histedit.h>
#include <stdio.h>

typedef char *(*vsh_prompt_fn)(EditLine *);
typedef unsigned char (*vsh_command_fn)(EditLine *, int);

static inline int vsh_el_set_prompt(EditLine *el, vsh_prompt_fn fn) { return el_set(el, EL_PROMPT, fn); }
static inline int vsh_el_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }
static inline int vsh_el_set_history(EditLine *el, History *h) { return el_set(el, EL_HIST, history, h); }
static inline int vsh_el_set_signal(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }
static inline int vsh_el_add_function(EditLine *el, const char *name, const char *help, vsh_command_fn fn) {
    return el_set(el, EL_ADDFN, name, help, fn);
}
static inline int vsh_el_bind(EditLine *el, const char *key, const char *function) {
    return el_set(el, EL_BIND, key, function, NULL);
}

static inline int vsh_history_set_size(History *h, int size) {
    HistEvent event;
    return history(h, &event, H_SETSIZE, size);
}
static inline int vsh_history_set_unique(History *h, int unique) {
    HistEvent event;
    return history(h, &event, H_SETUNIQUE, unique);
}
static inline int vsh_history_enter(History *h, const char *line) {
    HistEvent event;
    return history(h, &event, H_ENTER, line);
}

#endif
