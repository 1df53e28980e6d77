"""Small files for the application tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "doc.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def png(name: str = "plan.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


FOOD_DATA = {"business_name": "ครัวคุณแม่", "site_address": "12 ถนนมะลิวัลย์", "floor_area": "240", "seats": "80"}


def food_documents() -> dict:
    return {"id-card": pdf(), "house-registration": pdf(), "floor-plan": png()}


def applicant(org, phone: str = "0812345678"):
    """The applicant signed in with `phone` (what `eservices.session` builds from the session)."""
    from muang.eservices.session import applicant_actor

    return applicant_actor(org.pk, phone)
