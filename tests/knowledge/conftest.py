import pytest

from demo import knowledge as demo_knowledge
from tenants.scoping import tenant_scope


def pdf_with_text(*lines: str) -> bytes:
    """A minimal, valid one-page PDF showing ``lines`` in Helvetica (for pypdf to extract)."""
    text = " T* ".join(f"({line.replace('(', '[').replace(')', ']')}) Tj" for line in lines)
    stream = f"BT /F1 12 Tf 14 TL 72 720 Td {text} ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture
def gym_knowledge(tenant_a):
    """Tenant A (a gym) with the demo gym knowledge base, by key."""
    from tests.factories import BranchFactory

    BranchFactory(tenant=tenant_a, name="Downtown", time_zone="America/New_York")
    BranchFactory(tenant=tenant_a, name="Riverside", time_zone="America/Chicago")
    with tenant_scope(tenant_a.pk):
        return demo_knowledge.load("gym")


@pytest.fixture
def dealership_knowledge(tenant_b):
    from tests.factories import BranchFactory

    BranchFactory(tenant=tenant_b, name="Main Rooftop", time_zone="America/New_York")
    with tenant_scope(tenant_b.pk):
        return demo_knowledge.load("dealership")
