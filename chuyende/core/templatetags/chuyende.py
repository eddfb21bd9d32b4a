from django import template

from chuyende.core import masking

register = template.Library()

register.filter("mask_phone", masking.mask_phone)
register.filter("mask_id_number", masking.mask_id_number)
register.filter("mask_email", masking.mask_email)
register.filter("mask_date", masking.mask_date)
