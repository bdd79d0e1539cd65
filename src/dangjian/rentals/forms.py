"""Forms of the rentals register: register a dwelling, add or edit a tenant, move out, import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledForm, date_field


def _phone(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )


class DwellingForm(StyledForm):
    household = forms.CharField(
        label=_("房屋（户）"),
        max_length=200,
        help_text=_("填写区域中登记的户名或地址，如“3号楼1单元101室”。"),
    )
    landlord_name = forms.CharField(label=_("房东姓名"), max_length=50)
    landlord_phone = _phone(_("房东电话"))
    rented_since = date_field(_("出租起始日期"), required=False)
    police_registered_on = date_field(_("向警务室登记日期"), required=False)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["household"]
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)


class TenantForm(StyledForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = _phone(_("联系电话"))
    move_in = date_field(_("入住日期"))
    origin = forms.CharField(label=_("户籍地"), max_length=100, required=False)
    permit_number = forms.CharField(label=_("居住证号"), max_length=40, required=False)
    permit_expires = date_field(_("居住证有效期至"), required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _("不改身份证号时留空。")
            self.fields["move_out"] = date_field(_("搬离日期"), required=False)
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
            for f in ("move_out",):
                self._style(self.fields[f])


class MoveOutForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    move_out = date_field(_("搬离日期"))


class ImportForm(StyledForm):
    file = forms.FileField(label=_("Excel 文件（.xlsx、.xls 或 .csv）"))
    dry_run = forms.BooleanField(label=_("只检查，不导入"), required=False)
