"""LoRaWAN: the network servers' HTTP integrations (ChirpStack v4, The Things Stack v3) feeding the one ingest
service, and the downlink adapters (ChirpStack REST API, The Things Stack push, the MQTT `down` topic)."""
