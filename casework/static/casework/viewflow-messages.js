// Strings of Viewflow's own scripts that no catalogue of its translates; listed
// here so that `makemessages -d djangojs` puts them into ours, which the
// JavaScript catalogue (/jsi18n/) serves. This file is never loaded.
gettext("%(sel)s selected");
gettext("%(sel)s of %(cnt)s selected");
