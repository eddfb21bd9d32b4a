import django.db.models.deletion
from django.db import migrations, models


def fill_unit_from_plan(apps, schema_editor):
    Occasion = apps.get_model("plans", "Occasion")
    for occasion in Occasion.objects.select_related("plan").iterator():
        occasion.unit_id = occasion.plan.unit_id
        occasion.save(update_fields=["unit"])


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0002_member_constraint_messages"),
        ("plans", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="occasion",
            name="unit",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE,
                related_name="occasions", to="org.unit", verbose_name="unit",
            ),
        ),
        migrations.RunPython(fill_unit_from_plan, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="occasion",
            name="unit",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="occasions",
                to="org.unit", verbose_name="unit",
            ),
        ),
        migrations.AlterField(
            model_name="occasion",
            name="plan",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                related_name="occasions", to="plans.plan", verbose_name="plan",
            ),
        ),
        migrations.AddField(
            model_name="occasion",
            name="recurring",
            field=models.BooleanField(default=False, verbose_name="every year"),
        ),
    ]
