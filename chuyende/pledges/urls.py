from django.urls import path

from . import views

app_name = "pledges"
urlpatterns = [
    path("pledges/", views.pledge_list, name="pledge_list"),
    path("pledges/mine/", views.my_pledge, name="my_pledge"),
    path("pledges/rating/", views.rating, name="rating"),
    path("pledges/figures/", views.figures, name="figures"),
    path("pledges/import/", views.import_upload, name="import_upload"),
    path("pledges/import/template.xlsx", views.import_template, name="import_template"),
    path("pledges/import/<int:pk>/", views.import_detail, name="import_detail"),
    path("pledges/templates/", views.template_list, name="template_list"),
    path("pledges/templates/new/", views.template_create, name="template_create"),
    path("pledges/templates/<int:pk>/", views.template_detail, name="template_detail"),
    path("pledges/templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path(
        "pledges/templates/<int:pk>/sections/add/",
        views.template_section_add,
        name="template_section_add",
    ),
    path("pledges/templates/<int:pk>/publish/", views.template_publish, name="template_publish"),
    path("pledges/templates/<int:pk>/copy/", views.template_copy, name="template_copy"),
    path("pledges/sections/<int:pk>/edit/", views.section_edit, name="section_edit"),
    path("pledges/sections/<int:pk>/move/", views.section_move, name="section_move"),
    path("pledges/sections/<int:pk>/remove/", views.section_remove, name="section_remove"),
    path("pledges/member/<int:member_pk>/", views.member_pledge, name="member_pledge"),
    path("pledges/<int:pk>/", views.pledge_detail, name="pledge_detail"),
    path("pledges/<int:pk>/accept/", views.pledge_accept, name="pledge_accept"),
    path("pledges/<int:pk>/return/", views.pledge_return, name="pledge_return"),
    path("pledges/<int:pk>/new-version/", views.pledge_new_version, name="pledge_new_version"),
    path("pledges/<int:pk>/evaluate/", views.pledge_evaluate, name="pledge_evaluate"),
    path("pledges/<int:pk>/rate/", views.pledge_rate, name="pledge_rate"),
    path("pledges/<int:pk>/propose/", views.propose_exemplar, name="propose_exemplar"),
    path("pledges/<int:pk>/print.docx", views.pledge_docx, name="pledge_docx"),
    path("pledges/<int:pk>/print.pdf", views.pledge_pdf, name="pledge_pdf"),
]
