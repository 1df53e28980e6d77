"""The broker's files: one password line and one ACL block per live device, the ingest user, no secret."""

import io

import pytest
from django.core.management import call_command

from muang.core.tests.factories import OrganizationFactory
from muang.iot.models import Device
from muang.iot.mqtt.broker import ingest_password, write_broker_config
from muang.iot.tests.factories import air_profile, device

pytestmark = pytest.mark.usefixtures("areas")


def test_the_config_names_each_live_device_its_own_topics_and_no_secret(tmp_path):
    org = OrganizationFactory()
    a, a_secret = device(org, air_profile(org), serial="AQ-1")
    gone, _gone_secret = device(org, a.profile, serial="AQ-2")
    Device.objects.filter(pk=gone.pk).update(state=Device.State.RETIRED)
    conf = write_broker_config(tmp_path, port=18999, host="127.0.0.1")
    text = conf.read_text()
    assert "listener 18999 127.0.0.1" in text and "allow_anonymous false" in text
    acl = (tmp_path / "acl").read_text()
    assert f"user {a.credential_id}\ntopic write muang/{org.slug}/devices/AQ-1/up\n" in acl
    assert f"topic read muang/{org.slug}/devices/AQ-1/down" in acl
    assert "user muang-ingest\ntopic read muang/+/devices/+/up" in acl
    assert gone.credential_id not in acl
    passwd = (tmp_path / "passwd").read_text()
    assert f"{a.credential_id}:$7$101$" in passwd and gone.credential_id not in passwd
    assert a_secret not in passwd and ingest_password(tmp_path) not in passwd
    assert oct((tmp_path / "passwd").stat().st_mode & 0o777) == "0o600"
    # The hashes are checked by the real broker in test_mqtt.py; the command rewrites the same files.
    out = io.StringIO()
    call_command("iot_broker_config", "--dir", str(tmp_path), stdout=out)
    assert out.getvalue().strip() == str(conf)
    assert (tmp_path / "acl").read_text() == acl
