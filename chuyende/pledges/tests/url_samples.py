"""URLs of `pledges` for the scoping walk in chuyende/core/tests/test_url_scoping.py."""

from .helpers import foreign_import, foreign_pledge, foreign_section, foreign_template

OBJECT_URLS = {
    "pledges:pledge_detail": lambda w: {"pk": foreign_pledge(w).pk},
    "pledges:pledge_accept": lambda w: {"pk": foreign_pledge(w).pk},
    "pledges:pledge_return": lambda w: {"pk": foreign_pledge(w).pk},
    "pledges:pledge_new_version": lambda w: {"pk": foreign_pledge(w).pk},
    "pledges:pledge_evaluate": lambda w: {"pk": foreign_pledge(w).pk},
    "pledges:pledge_rate": lambda w: {"pk": foreign_pledge(w).pk},
    "pledges:propose_exemplar": lambda w: {"pk": foreign_pledge(w).pk},
    "pledges:pledge_docx": lambda w: {"pk": foreign_pledge(w).pk},
    "pledges:pledge_pdf": lambda w: {"pk": foreign_pledge(w).pk},
    "pledges:member_pledge": lambda w: {"member_pk": w.foreign.pk},
    "pledges:template_detail": lambda w: {"pk": foreign_template(w).pk},
    "pledges:import_detail": lambda w: {"pk": foreign_import(w).pk},
    "pledges:template_edit": lambda w: {"pk": foreign_template(w).pk},
    "pledges:template_section_add": lambda w: {"pk": foreign_template(w).pk},
    "pledges:template_publish": lambda w: {"pk": foreign_template(w).pk},
    "pledges:template_copy": lambda w: {"pk": foreign_template(w).pk},
    "pledges:section_edit": lambda w: {"pk": foreign_section(w).pk},
    "pledges:section_move": lambda w: {"pk": foreign_section(w).pk},
    "pledges:section_remove": lambda w: {"pk": foreign_section(w).pk},
}
LIST_URLS = {
    "pledges:pledge_list": "?q=khanh&year=2024",
    "pledges:my_pledge": "",
    "pledges:rating": "?year=2024",
    "pledges:figures": "?year=2024",
    "pledges:import_upload": "",
    "pledges:import_template": "",
    "pledges:template_list": "?year=2024",
    "pledges:template_create": "",
}
PUBLIC = set()
