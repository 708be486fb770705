from django.contrib import admin

from .models import Agency, Region

admin.site.register(Region)
admin.site.register(Agency)
