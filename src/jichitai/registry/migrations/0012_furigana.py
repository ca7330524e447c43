# 氏名の振り仮名 (令和5年法律第48号: 戸籍法第13条第1項第2号, 住基法第7条): 氏の振り仮名・名の振り仮名 beside the search フリガナ.
# Added with a database default, so PostgreSQL adds the columns without rewriting the 1.5 M rows.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0011_edit_locks'),
    ]

    operations = [
        migrations.AddField(
            model_name='resident',
            name='furigana_mei',
            field=models.CharField(blank=True, db_default='', default='', max_length=100, verbose_name='名の振り仮名'),
        ),
        migrations.AddField(
            model_name='resident',
            name='furigana_shi',
            field=models.CharField(blank=True, db_default='', default='', max_length=100, verbose_name='氏の振り仮名'),
        ),
        migrations.AddField(
            model_name='residenthistory',
            name='furigana_mei',
            field=models.CharField(blank=True, db_default='', default='', max_length=100, verbose_name='名の振り仮名'),
        ),
        migrations.AddField(
            model_name='residenthistory',
            name='furigana_shi',
            field=models.CharField(blank=True, db_default='', default='', max_length=100, verbose_name='氏の振り仮名'),
        ),
    ]
