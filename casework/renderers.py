"""Form widgets that Viewflow's free edition does not draw, drawn as plain HTML.

Viewflow renders each field as one of its web components; the free edition
defines no ``vf-field-checkbox-select``, so a ``CheckboxSelectMultiple`` (the
plan form's officers) came out 0 × 0 pixels and could not be used. This
renderer draws a fieldset of native checkboxes with the field's label, help
text and first error, which a phone and a keyboard handle alike. Registered in
``VIEWFLOW["WIDGET_RENDERERS"]``.
"""

from xml.etree import ElementTree

from viewflow.forms.renderers import WidgetRenderer


class CheckboxListRenderer(WidgetRenderer):
    tag = "fieldset"

    def create_root(self, context):
        widget, field = context["widget"], self.bound_field
        box = ElementTree.SubElement(
            self.root, "fieldset", {"class": "cw-checkboxes", "id": f"id_{widget['name']}"}
        )
        legend = ElementTree.SubElement(box, "legend", {"class": "cw-checkboxes__legend"})
        legend.text = str(field.label) + (" *" if field.field.required else "")
        for _group, options, _index in widget["optgroups"]:
            for option in options:
                label = ElementTree.SubElement(box, "label", {"class": "cw-checkbox"})
                attrs = {
                    "type": "checkbox",
                    "name": option["name"],
                    "value": str(option["value"]),
                    "id": option["attrs"].get("id", ""),
                }
                if option["selected"]:
                    attrs["checked"] = "checked"
                ElementTree.SubElement(label, "input", attrs)
                text = ElementTree.SubElement(label, "span")
                text.text = str(option["label"])
        if field.help_text:
            help_text = ElementTree.SubElement(box, "p", {"class": "cw-checkboxes__help"})
            help_text.text = str(field.help_text)
        if field.errors:
            error = ElementTree.SubElement(box, "p", {"class": "cw-field-error", "role": "alert"})
            error.text = " ".join(str(e) for e in field.errors)
        return box
