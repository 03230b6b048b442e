/* tracefs uprobe_events, internal to user/trace/. */
#ifndef RAWTEL_UPROBE_INT_H
#define RAWTEL_UPROBE_INT_H

/* Remove "group/event" from uprobe_events. */
void uprobe_tracefs_remove(const char *event);

#endif
